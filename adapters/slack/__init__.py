"""Slack: the core's cards, forms and App Home as Block Kit, served by a Bolt AsyncApp."""
