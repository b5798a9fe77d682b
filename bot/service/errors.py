"""Failures a person can cause: one line saying what is wrong, and what to type instead."""

from __future__ import annotations


class OkrError(Exception):
    def __init__(self, message: str, hint: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.field = field  # the form field it concerns, when it came from a form


class NotFound(OkrError):
    pass


class Forbidden(OkrError):
    pass
