"""The pattern dialect shared by RE2 and JavaScript (u flag), parsed strictly, with a ReDoS analysis.

A pattern is accepted only if every construct in it is on a list of constructs that both
engines parse and that mean the same in both: a whitelist, so a construct one engine
reads differently (`\\p{Greek}`, `[[:space:]]`, `a{,3}`, `\\0123`, `[\\d-z]`) is refused
rather than slipping through. The parse tree is then checked for the shapes that make a
backtracking engine (JavaScript's) take exponential time: a repeated group that can
match the empty string or that holds another repeat, a repeated alternation whose
branches can start alike, and three or more adjacent repeats over overlapping
characters. RE2 runs every pattern in linear time; the check protects the JavaScript
consumers of the same rules. tests/test_dialect.py checks it against `recheck`, the
field's ReDoS checker, on a table of patterns, and the rule lint runs recheck on every
bundled pattern.
"""
from dataclasses import dataclass, field

# Unicode general categories: the \p{..} names RE2 and JavaScript both accept with the same meaning.
CATEGORIES = frozenset(
    "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Co".split())
_SYNTAX = set("^$\\.*+?()[]{}|/")
_CLASS_ESCAPES = {"d": "digit", "D": "any", "w": "word", "W": "any", "s": "space", "S": "any"}
_CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
UNBOUNDED = None


class DialectError(ValueError):
    """A pattern outside the shared dialect, or one that backtracks catastrophically."""


@dataclass
class Node:
    """A parse-tree node: kind is char, set, any, assert, seq, alt, group or repeat."""

    kind: str
    chars: frozenset = frozenset()  # for char/set: characters or the names of broad classes
    children: list = field(default_factory=list)
    low: int = 1
    high: int | None = 1


class _Parser:
    def __init__(self, pattern):
        self.p, self.i = pattern, 0

    def error(self, message):
        raise DialectError(f"{message} (at character {self.i + 1})")

    def peek(self):
        return self.p[self.i] if self.i < len(self.p) else None

    def take(self):
        char = self.peek()
        self.i += 1
        return char

    def parse(self):
        node = self.alternation()
        if self.i < len(self.p):
            self.error("unbalanced )")
        return node

    def alternation(self):
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else Node("alt", children=branches)

    def sequence(self):
        items = []
        while self.peek() not in (None, "|", ")"):
            items.append(self.quantified(self.atom()))
        return Node("seq", children=items)

    def atom(self):
        char = self.take()
        if char == "(":
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self.peek() == "?":
                self.error("only (?:...) groups are allowed: no inline flags, look-around or named groups")
            inner = self.alternation()
            if self.take() != ")":
                self.error("missing )")
            return Node("group", children=[inner])
        if char == "[":
            return self.char_class()
        if char == "\\":
            return self.escape(in_class=False)
        if char == ".":
            return Node("any", chars=frozenset({"any"}))
        if char in ("^", "$"):
            return Node("assert")
        if char in "*+?":
            self.error(f"nothing to repeat before {char}")
        if char in "{}]":
            self.error(f"a literal {char} must be escaped")
        return Node("char", chars=frozenset({char.lower()}))

    def escape(self, in_class):
        char = self.take()
        if char is None:
            self.error("pattern ends with \\")
        if char in _CLASS_ESCAPES:
            return Node("set", chars=frozenset({_CLASS_ESCAPES[char]}))
        if char in "pP":
            if self.take() != "{":
                self.error("write Unicode classes with braces, e.g. \\p{L}")
            end = self.p.find("}", self.i)
            name = self.p[self.i:end] if end >= 0 else ""
            if name not in CATEGORIES:
                self.error("only Unicode general categories such as \\p{L} or \\p{Lu} mean the same in RE2 and "
                           "JavaScript (no scripts or properties)")
            self.i = end + 1
            return Node("set", chars=frozenset({"any" if char == "P" else "letter" if name.startswith("L") else
                                                "digit" if name.startswith("N") else "other"}))
        if char in "bB" and not in_class:
            return Node("assert")
        if char in _CONTROL_ESCAPES:
            return Node("char", chars=frozenset({_CONTROL_ESCAPES[char]}))
        if char == "u":
            self.error("RE2 does not read \\u escapes: write the character itself")
        if char in _SYNTAX or (in_class and char == "-"):
            return Node("char", chars=frozenset({char}))
        if char.isdigit():
            self.error("back-references and octal escapes are not allowed")
        if char in "AzCQEGZx":
            self.error(f"\\{char} is RE2-only: use ^ and $, or \\uXXXX")
        self.error(f"\\{char} is not an escape both engines read alike")

    def char_class(self):
        chars = set()
        if self.peek() == "^":
            self.take()
            chars.add("any")  # a negated class can match almost anything
        first = True
        while True:
            char = self.take()
            if char is None:
                self.error("missing ]")
            if char == "]" and not first:
                break
            if char == "]" or char == "[":
                self.error(f"a literal {char} inside a class must be escaped (no POSIX classes like [[:alpha:]])")
            first = False
            start = self.escape(in_class=True) if char == "\\" else Node("char", chars=frozenset({char}))
            if self.peek() == "-" and self.p[self.i + 1:self.i + 2] not in ("]", ""):
                self.take()
                end_char = self.take()
                end = self.escape(in_class=True) if end_char == "\\" else Node("char", chars=frozenset({end_char}))
                if start.kind != "char" or end.kind != "char":
                    self.error("a class range must run between two characters, not a class such as \\d")
                low, high = next(iter(start.chars)), next(iter(end.chars))
                if ord(low) > ord(high):
                    self.error("class range out of order")
                # A wide range stands for "many characters" rather than listing them.
                chars |= {chr(c).lower() for c in range(ord(low), ord(high) + 1)} if ord(high) - ord(low) < 256 \
                    else {"other", "letter"}
            else:
                chars |= start.chars
        return Node("set", chars=frozenset(c.lower() if len(c) == 1 else c for c in chars))

    def quantified(self, node):
        char = self.peek()
        if char in ("*", "+", "?"):
            self.take()
            low, high = {"*": (0, UNBOUNDED), "+": (1, UNBOUNDED), "?": (0, 1)}[char]
        elif char == "{":
            low, high = self.braces()
        else:
            return node
        if node.kind == "assert":
            self.error("an assertion cannot be repeated")
        if self.peek() == "?":
            self.take()  # lazy: the same language, the same analysis
        if self.peek() in ("*", "+", "{"):
            self.error("a repeat cannot be repeated directly")
        return Node("repeat", children=[node], low=low, high=high)

    def braces(self):
        end = self.p.find("}", self.i)
        body = self.p[self.i + 1:end] if end > 0 else ""
        low, comma, high = body.partition(",")
        if not low.isdigit() or (high and not high.isdigit()):
            self.error("repeat counts are {n}, {n,} or {n,m}: a lone { must be escaped")
        self.i = end + 1
        low_n = int(low)
        high_n = low_n if not comma else (UNBOUNDED if not high else int(high))
        if high_n is not None and high_n < low_n or max(low_n, high_n or 0) > 1000:
            self.error("repeat counts must be in order and at most 1000")
        return low_n, high_n


def _nullable(node):
    if node.kind in ("assert",):
        return True
    if node.kind in ("char", "set", "any"):
        return False
    if node.kind == "seq":
        return all(_nullable(c) for c in node.children)
    if node.kind == "alt":
        return any(_nullable(c) for c in node.children)
    if node.kind == "group":
        return _nullable(node.children[0])
    return node.low == 0 or _nullable(node.children[0])


def _first(node):
    """Characters (or broad class names) a node can start with."""
    if node.kind in ("char", "set", "any"):
        return set(node.chars)
    if node.kind == "assert":
        return set()
    if node.kind == "seq":
        out = set()
        for child in node.children:
            out |= _first(child)
            if not _nullable(child):
                break
        return out
    if node.kind in ("alt", "group", "repeat"):
        out = set()
        for child in node.children:
            out |= _first(child)
        return out
    return set()


def _letters(chars):
    return {c for c in chars if len(c) == 1}


def _overlap(a, b):
    """Whether two character sets may share a character (broad classes are assumed to overlap anything like them)."""
    if a & b:
        return True
    broad_a, broad_b = a - _letters(a), b - _letters(b)
    if "any" in broad_a and b or "any" in broad_b and a:
        return True
    for broad, chars in ((broad_a, _letters(b)), (broad_b, _letters(a))):
        for name in broad:
            if any(_in_class(name, c) for c in chars):
                return True
    return bool(broad_a & broad_b) or ("word" in broad_a | broad_b and bool({"letter", "digit"} & (broad_a | broad_b)))


def _in_class(name, char):
    return {"digit": char.isdigit(), "word": char.isalnum() or char == "_", "space": char.isspace(),
            "letter": char.isalpha(), "other": not char.isalnum(), "any": True}.get(name, True)


def _repeats(node):
    """Whether a node can match more than once in a row (a quantifier with a maximum above one)."""
    return node.kind == "repeat" and (node.high is None or node.high > 1)


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _check_backtracking(tree):
    for node in _walk(tree):
        if node.kind == "repeat" and _repeats(node):
            body = node.children[0]
            if _nullable(body):
                raise DialectError("a repeated group that can match nothing backtracks catastrophically in JavaScript")
            if any(_repeats(inner) for inner in _walk(body) if inner is not body) or \
                    (body.kind == "group" and any(_repeats(inner) for inner in _walk(body.children[0]))):
                raise DialectError("nested quantifier: a repeated group that itself repeats can backtrack "
                                   "catastrophically in JavaScript")
            for alt in (n for n in _walk(body) if n.kind == "alt"):
                firsts = [_first(branch) for branch in alt.children]
                for i, first in enumerate(firsts):
                    if any(_overlap(first, other) for other in firsts[i + 1:]):
                        raise DialectError("a repeated alternation whose branches can start alike backtracks "
                                           "catastrophically in JavaScript")
        if node.kind == "repeat" and node.high is not None and node.high > 1 and \
                any(n.kind == "repeat" and n.low == 0 for n in _walk(node.children[0])):
            raise DialectError("a counted repeat of an optional part backtracks catastrophically in JavaScript")
        if node.kind == "seq":
            run, previous = 0, None
            for child in node.children:
                if _repeats(child) and (previous is None or _overlap(_first(previous), _first(child))):
                    run += 1
                    previous = child
                    if run >= 3:
                        raise DialectError("three or more adjacent repeats over the same characters backtrack "
                                           "in polynomial time in JavaScript")
                elif child.kind == "repeat" and child.low == 0:
                    continue  # an optional part between repeats does not separate them
                else:
                    run, previous = (1, child) if _repeats(child) else (0, None)


def check(pattern):
    """Raise DialectError naming the first construct outside the shared dialect, or a backtracking shape."""
    tree = _Parser(pattern).parse()
    _check_backtracking(tree)
