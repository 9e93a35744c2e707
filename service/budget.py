"""A time budget per request: long work checks it and stops cleanly once it is spent."""
import contextvars
import time

_deadline = contextvars.ContextVar("impartial_deadline", default=None)


class BudgetExceeded(Exception):
    """The request's time budget was spent before its work finished."""


def check():
    """Raise BudgetExceeded once the budget in force is spent (nothing happens outside one)."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise BudgetExceeded()


def remaining():
    """Seconds left in the budget in force, or None outside one (say, for a client's timeout)."""
    deadline = _deadline.get()
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def call(seconds, function, *args, **kwargs):
    """Run function(*args, **kwargs) within a budget of seconds (None: no budget); BudgetExceeded if spent.

    Budgets nest: an inner call never extends the deadline of the one around it.
    """
    outer = _deadline.get()
    deadline = None if seconds is None else time.monotonic() + seconds
    if outer is not None and (deadline is None or outer < deadline):
        deadline = outer
    token = _deadline.set(deadline)
    try:
        return function(*args, **kwargs)
    finally:
        _deadline.reset(token)
