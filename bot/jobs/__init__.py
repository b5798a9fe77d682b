"""Work the bot does on its own: deciding which check-in prompts, reminders, celebrations and digests are due
(the planners), and the clock, tick and runtime that run them; bot/delivery sends what they plan."""
