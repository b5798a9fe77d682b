"""Delivery: getting planned messages to the platforms exactly once (the outbox, the sender, its pace and
retries). It knows nothing of what a message is about; bot/jobs decides that."""
