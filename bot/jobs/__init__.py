"""Work the bot does on its own: check-in prompts, reminders, celebrations, digests, and sending them."""
