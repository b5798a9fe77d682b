"""The verbs of `/okr`, a module per verb or family of verbs: each holds its words, help, parser and handler.

Adding a verb: write its module here (a `Verb` built from a parse function and a handler), then enrol it in
bot/commands/registry.py.
"""
