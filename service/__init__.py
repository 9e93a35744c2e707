"""Impartial: scores draft posts for political-impartiality risk."""
from .app import create_app

__all__ = ["create_app"]
