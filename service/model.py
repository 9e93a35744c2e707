"""The learned model: features of a text, a linear score per head, and the sentences and words that weighed.

The artifact (`shared-rules/model/model.json`, written by `make train`) is plain JSON:
a vocabulary, int8-quantised weights per head (base64), biases, thresholds, its card
and its own golden cases. Serving needs only numpy; scikit-learn stays in training/.

Features, per sentence of the text: lowercased words ("w:"), word pairs within the
sentence ("b:"), character 2-5-grams of each word padded with spaces ("c:"), and
emoji ("e:"). Each block is tf-idf weighted (1 + log tf) and L2-normalised, as
scikit-learn's TfidfVectorizer does, plus the rules' own verdict per category, so
the model learns where the rules are reliable. A head's logit is linear in the
features, so it splits exactly into what each sentence, and each word, contributed.
"""
import base64
import json
import hashlib
import math
import re
from functools import lru_cache
from operator import itemgetter, or_

import numpy as np

FORMAT = "impartial-linear/2"  # /2: int8 weights (/1 had int16)
MAX_BYTES = 8 * 1024 * 1024
BLOCKS = ("w", "b", "c", "e")
NGRAMS = (2, 5)
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}
CACHE_TOKENS = 100_000
ENTITY_KINDS = ("party", "person")

# Words on UTF-8 bytes, as the engine counts them, keeping a leading # or @;
# emoji and other astral symbols as tokens of their own.
_WORD_CHAR = rb"(?:[A-Za-z0-9_]|[\xc3-\xdf][\x80-\xbf]|[\xe0\xe1\xe3-\xef][\x80-\xbf][\x80-\xbf])"
_TOKEN = re.compile(rb"[#@]?" + _WORD_CHAR + rb"+(?:'" + _WORD_CHAR + rb"+)*|[\xf0-\xf4][\x80-\xbf]{3}")
# The same tokens on ASCII bytes (\w on bytes is [A-Za-z0-9_]), found several times faster.
_ASCII_TOKEN = re.compile(rb"[#@]?\w+(?:'\w+)*")


def tokens(data, start, end):
    """(byte start, byte end, token) for the words and emoji of data[start:end]."""
    out = []
    for match in _TOKEN.finditer(data, start, end):
        raw = match.group()
        out.append((match.start(), match.end(), raw.decode("utf-8").lower()))
    return out


def mask(toks, entities):
    """Tokens with each party or politician name (from the rules' lexicons) replaced by one
    placeholder token, "<party>" or "<person>": the model judges what is said, not who about,
    so the same post gets the same answer whichever side it names."""
    if not entities:
        return toks
    out, k, n = [], 0, len(entities)
    for start, end, token in toks:
        while k < n and entities[k][1] <= start:
            k += 1
        if k < n and entities[k][0] < end:
            placeholder = f"<{entities[k][2]}>"
            if out and out[-1][2] == placeholder and out[-1][1] >= entities[k][0]:
                out[-1] = (out[-1][0], end, placeholder)  # the rest of a name of several words
            elif out and out[-1][2] == "the":
                out[-1] = (out[-1][0], end, placeholder)  # "the Greens" and "Labour" alike: the article is the name's
            else:
                out.append((start, end, placeholder))
        else:
            out.append((start, end, token))
    return out


@lru_cache(maxsize=65536)
def token_features(token):
    """The features one token brings on its own: its word (or emoji) and its character n-grams."""
    if token[0] >= "\U00010000" or token[0] == "<":
        return (("e:" if token[0] != "<" else "w:") + token,)
    word = token.lstrip("#@") or token
    padded = f" {word} "
    grams = ["w:" + word]
    low, high = NGRAMS
    for n in range(low, high + 1):
        grams.extend("c:" + padded[i:i + n] for i in range(len(padded) - n + 1))
    return tuple(grams)


def sentence_features(toks):
    """Feature strings of one sentence's tokens, each with the index of the token it belongs to
    (a word pair belongs to both: (feature, first, second))."""
    feats = []
    for index, (_, _, token) in enumerate(toks):
        for feature in token_features(token):
            feats.append((feature, index, index))
    words = [t[2].lstrip("#@") for t in toks if t[2][0] < "\U00010000"]
    positions = [i for i, t in enumerate(toks) if t[2][0] < "\U00010000"]
    for k in range(len(words) - 1):
        feats.append((f"b:{words[k]} {words[k + 1]}", positions[k], positions[k + 1]))
    return feats


def rule_features(rule_findings, categories):
    """The rules' verdict as model inputs: per category, 1 if a medium or high rule finding holds it."""
    seen = {f["category"] for f in rule_findings if SEVERITY_RANK[f["severity"]] >= 1}
    return [1.0 if c in seen else 0.0 for c in categories]


class ModelError(ValueError):
    """An artifact that is not a valid model: the reason names what is wrong."""


def _decode_weights(doc, rows, cols):
    try:
        raw = base64.b64decode(doc["weights"]["data"], validate=True)
    except (ValueError, TypeError):
        raise ModelError("weights.data is not valid base64") from None
    if len(raw) != rows * cols:
        raise ModelError(f"weights.data holds {len(raw)} numbers; expected {rows} x {cols}")
    quantised = np.frombuffer(raw, dtype="<i1").reshape(rows, cols)
    scale = np.asarray(doc["weights"]["scale"], dtype=np.float64)
    return quantised.astype(np.float64) * scale


class Model:
    """A validated linear model: heads, vocabulary, idf, weights, thresholds."""

    def __init__(self, doc, categories):
        _check_shape(doc, categories)
        self.card = doc["card"]
        self.heads = list(doc["heads"])
        self.categories = list(categories)
        self.thresholds = dict(doc["thresholds"])
        vocabulary = doc["vocabulary"]
        self.index = {feature: i for i, feature in enumerate(vocabulary)}
        if len(self.index) != len(vocabulary):
            raise ModelError("vocabulary has duplicate features")
        self.block = np.array([BLOCKS.index(f.split(":", 1)[0]) for f in vocabulary], dtype=np.intp)
        self.idf = np.asarray(doc["idf"], dtype=np.float64)
        self.weights = _decode_weights(doc, len(vocabulary), len(self.heads))
        # The warn head alone decides whether anything else is needed: its column apart, contiguous.
        self.warn_weights = np.ascontiguousarray(self.weights[:, 0])
        self.rule_weights = np.asarray(doc["rule_weights"], dtype=np.float64)
        self.bias = np.asarray(doc["bias"], dtype=np.float64)
        self.version = doc["card"]["version"]
        self.golden = doc["golden"]
        self.words, self.pairs = _pair_table(vocabulary)
        self._cache = {}

    def _entry(self, key):
        """What a token brings, cached by its raw bytes (or, masked, by its text): most words of a
        post were seen before. (token, feature ids, word id in pairs (-1: in none; None: an emoji,
        no word), that id shifted to be a pair's first half)."""
        entry = self._cache.get(key)
        if entry is None:
            if len(self._cache) >= CACHE_TOKENS:
                self._cache.clear()
            token = key.decode("utf-8").lower() if isinstance(key, bytes) else key
            index = self.index
            ids = np.array([index[f] for f in token_features(token) if f in index], dtype=np.int64)
            wid = self.words.get(token.lstrip("#@"), -1) if token[0] < "\U00010000" else None
            entry = (token, ids, wid, None if wid is None else wid << 32)
            self._cache[key] = entry
        return entry

    def scan(self, data, sentences, entities=()):
        """The tokens of a text's sentences as mask(tokens(...)) gives them, with their cached
        entries and the word pairs the vocabulary knows: a Scan (positions only when asked)."""
        get, pair_get = self._cache.get, self.pairs.get
        entries, bounds, masked, pair_ids, count = [], [0], [], [], 0
        for start, end in sentences:
            if entities and any(a < end and start < b for a, b, _ in entities):
                toks = mask(tokens(data, start, end), entities)
                found = [self._entry(token) for _, _, token in toks]
                masked.append(toks)
            else:
                # findall, then the cache by raw bytes: no match objects, no decoding, per token.
                # On ASCII bytes a plainer pattern finds the same tokens a few times faster.
                raws = (_ASCII_TOKEN if data[start:end].isascii() else _TOKEN).findall(data, start, end)
                found = list(map(get, raws))
                if not all(found):  # an entry is a non-empty tuple: only a token not seen yet is falsy (None)
                    found = [get(raw) or self._entry(raw) for raw in raws]
                masked.append(None)
            entries.extend(found)
            bounds.append(len(entries))
            # Word pairs within the sentence, emoji skipped: (first id << 32 | second id); a word
            # in no pair (-1) makes a negative key that no pair has.
            words = [e for e in found if e[2] is not None]
            count += len(words)
            pair_ids.append(list(map(pair_get, map(or_, map(_HIGH, words), map(_LOW, words[1:])))))
        return Scan(data, sentences, entries, bounds, masked, pair_ids, count)

    def judge(self, data, sentences, rule_inputs, entities=()):
        """The model's view of a text: probabilities per head and, per head, each sentence's
        and each token's contribution to its logit. entities: sorted (start, end, kind) byte spans."""
        return Judgement(self, self.scan(data, sentences, entities), rule_inputs, len(sentences))


_LOW, _HIGH = itemgetter(2), itemgetter(3)


def _pair_table(vocabulary):
    """Word ids of the words in word pairs, and each pair's feature id by (first id << 32 | second id)."""
    words, pairs = {}, {}
    for fid, feature in enumerate(vocabulary):
        if feature.startswith("b:"):
            parts = feature[2:].split(" ")
            if len(parts) == 2:  # a pair of words holds no space within either
                first = words.setdefault(parts[0], len(words))
                second = words.setdefault(parts[1], len(words))
                pairs[(first << 32) | second] = fid
    return words, pairs


class Scan:
    """A text's tokens as the model reads them: cached entries, sentence bounds, known word pairs."""

    def __init__(self, data, sentences, entries, bounds, masked, pair_ids, words):
        self.data, self.sentences = data, sentences
        self.entries, self.bounds, self.masked, self.pair_ids = entries, bounds, masked, pair_ids
        self.words = words

    def tokens(self):
        """(byte start, byte end, token) per token, as mask(tokens(...)) gives them."""
        out, data, entries = [], self.data, self.entries
        for sid, ((start, end), toks) in enumerate(zip(self.sentences, self.masked)):
            if toks is None:  # found by findall: the same pattern again for the positions, the tokens as cached
                pattern = _ASCII_TOKEN if data[start:end].isascii() else _TOKEN
                toks = [(m.start(), m.end(), e[0]) for m, e in
                        zip(pattern.finditer(data, start, end), entries[self.bounds[sid]:self.bounds[sid + 1]])]
            out.extend(toks)
        return out

    def ids(self):
        """Every feature occurrence's id: each token's, then each known word pair's."""
        parts = list(map(_IDS, self.entries))
        parts.append(np.array([f for fids in self.pair_ids for f in fids if f is not None], dtype=np.int64))
        return np.concatenate(parts)

    def owners(self):
        """Per feature occurrence (in the order of ids()), its sentence, and the first and second
        token it belongs to (a word pair's two words; a token's own features: itself twice)."""
        entries = self.entries
        lengths = np.fromiter(map(len, map(_IDS, entries)), dtype=np.int64, count=len(entries))
        token_of = np.repeat(np.arange(len(entries), dtype=np.int64), lengths)
        pair_first, pair_second = [], []
        for sid, fids in enumerate(self.pair_ids):
            words = [k for k in range(self.bounds[sid], self.bounds[sid + 1]) if entries[k][2] is not None]
            for j, fid in enumerate(fids):
                if fid is not None:
                    pair_first.append(words[j])
                    pair_second.append(words[j + 1])
        first = np.concatenate([token_of, np.array(pair_first, dtype=np.int64)])
        second = np.concatenate([token_of, np.array(pair_second, dtype=np.int64)])
        sentence_of = np.repeat(np.arange(len(self.bounds) - 1, dtype=np.int64), np.diff(self.bounds))
        return sentence_of[first], first, second


_IDS = itemgetter(1)


class Judgement:
    """What the model made of one text, and how to explain it: computed as far as it is asked,
    the warn head first, the other heads and the contributions only when they are wanted."""

    def __init__(self, model, scan, rule_inputs, n_sentences):
        self.model, self.scan, self.n_sentences = model, scan, n_sentences
        self.rule_inputs = np.asarray(rule_inputs, dtype=np.float64)
        self.words = scan.words
        self._ids = self._shares = self._warn = self._probabilities = None
        self._rows = self._owners = self._tokens = self._by_head = None
        self._parts = {}

    @property
    def ids(self):
        """Every feature occurrence's id."""
        if self._ids is None:
            self._ids = self.scan.ids() if self.scan.entries else np.zeros(0, dtype=np.int64)
        return self._ids

    @property
    def shares(self):
        """Per feature occurrence, its share of its feature's tf-idf value."""
        if self._shares is None:
            self._shares = _shares(self.model, self.ids)
        return self._shares

    @property
    def tokens(self):
        if self._tokens is None:
            self._tokens = self.scan.tokens()
        return self._tokens

    @property
    def probabilities(self):
        """Every head's probability."""
        if self._probabilities is None:
            model = self.model
            linear = np.einsum("i,ij->j", self.shares, self._weight_rows())  # not BLAS: see probability
            logits = linear + self.rule_inputs @ model.rule_weights + model.bias
            self._probabilities = 1.0 / (1.0 + np.exp(-logits))
        return self._probabilities

    def probability(self, head):
        if self._by_head is not None:
            return self._by_head[head]
        if head == "warn":
            if self._warn is None:
                model = self.model
                # numpy's own sum, not @: BLAS wakes its threads for a long text's dot product, which
                # costs milliseconds on a busy machine (measured: 6 ms against 1.5 ms on 5,000 characters).
                linear = float((self.shares * model.warn_weights.take(self.ids)).sum())
                logit = linear + float(self.rule_inputs @ model.rule_weights[:, 0]) + float(model.bias[0])
                self._warn = 1.0 / (1.0 + math.exp(-logit))
            return self._warn
        self._by_head = dict(zip(self.model.heads, self.probabilities.tolist()))
        return self._by_head[head]

    def _weight_rows(self):
        if self._rows is None:
            self._rows = self.model.weights.take(self.ids, axis=0)  # take: several times faster than [ids] on rows
        return self._rows

    def _contributions(self, head):
        if head not in self._parts:
            column = self.model.heads.index(head)
            self._parts[head] = self.shares * self._weight_rows()[:, column]
        return self._parts[head]

    def _owned(self):
        if self._owners is None:
            self._owners = self.scan.owners()
        return self._owners

    def sentence_contributions(self, head):
        """Each sentence's part of a head's logit."""
        if not self.ids.size:
            return np.zeros(self.n_sentences)
        return np.bincount(self._owned()[0], weights=self._contributions(head), minlength=self.n_sentences)

    def token_contributions(self, head):
        """Each token's part of a head's logit (a word pair's part split between its two words)."""
        count = len(self.scan.entries)
        if not self.ids.size:
            return np.zeros(count)
        _, first, second = self._owned()
        half = self._contributions(head) / 2
        return (np.bincount(first, weights=half, minlength=count) +
                np.bincount(second, weights=half, minlength=count))


def _shares(model, ids):
    """Per feature occurrence, its share of the tf-idf value of its feature (1 + log tf, L2 per
    block): a feature's shares add up to its value, so contributions split exactly by occurrence."""
    if not ids.size:
        return np.zeros(0)
    counts = np.bincount(ids).take(ids)
    # A count is at most the number of occurrences: below the table's size, 1 + log tf is looked up.
    tf = _TF.take(counts) if ids.size < len(_TF) else 1.0 + np.log(counts)
    value = tf * model.idf.take(ids)
    blocks = model.block.take(ids)
    norms = np.sqrt(np.bincount(blocks, weights=value * value / counts, minlength=len(BLOCKS)))
    norms[norms == 0] = 1.0
    return value / norms.take(blocks) / counts


_TF = 1.0 + np.log(np.arange(1, 4096, dtype=np.float64))
_TF = np.concatenate([[0.0], _TF])  # index 0 unused: every occurrence counts itself


def _check_shape(doc, categories):
    """Reasons an artifact cannot be served, raised as ModelError."""
    if not isinstance(doc, dict):
        raise ModelError("model must be a JSON object")
    if doc.get("format") != FORMAT:
        raise ModelError(f"format must be {FORMAT!r}")
    for key in ("card", "heads", "vocabulary", "idf", "weights", "rule_weights", "bias", "thresholds", "golden"):
        if key not in doc:
            raise ModelError(f"{key} is missing")
    heads = doc["heads"]
    if heads != ["warn"] + list(categories):
        raise ModelError("heads must be 'warn' then the eight categories in order")
    vocabulary, idf = doc["vocabulary"], doc["idf"]
    if not isinstance(vocabulary, list) or not all(isinstance(f, str) and f[:2] in ("w:", "b:", "c:", "e:") for f in vocabulary):
        raise ModelError("vocabulary must be a list of feature strings (w:, b:, c:, e:)")
    if not isinstance(idf, list) or len(idf) != len(vocabulary) or not all(isinstance(v, (int, float)) and math.isfinite(v) and v > 0 for v in idf):
        raise ModelError("idf must hold one positive number per vocabulary entry")
    weights = doc["weights"]
    if not isinstance(weights, dict) or not isinstance(weights.get("data"), str) or \
            not _numbers(weights.get("scale"), len(heads)):
        raise ModelError("weights must be {data: base64 int8, scale: one number per head}")
    if not isinstance(doc["rule_weights"], list) or len(doc["rule_weights"]) != len(categories) or \
            not all(_numbers(row, len(heads)) for row in doc["rule_weights"]):
        raise ModelError("rule_weights must be one row of head weights per category")
    if not _numbers(doc["bias"], len(heads)):
        raise ModelError("bias must hold one number per head")
    thresholds = doc["thresholds"]
    if not isinstance(thresholds, dict) or set(thresholds) != {"medium", "high", "category", "veto"} or \
            not all(isinstance(thresholds[k], (int, float)) and not isinstance(thresholds[k], bool) for k in thresholds) or \
            not all(0 < thresholds[k] < 1 for k in ("medium", "high", "category")) or \
            not 0 <= thresholds["veto"] <= thresholds["medium"] <= thresholds["high"]:
        raise ModelError("thresholds must be {medium, high, category} in (0, 1) and veto in [0, medium], medium <= high")
    card = doc["card"]
    if not isinstance(card, dict) or not isinstance(card.get("version"), str):
        raise ModelError("card must be an object with a version")
    golden = doc["golden"]
    if not isinstance(golden, list) or not golden or not all(
            isinstance(g, dict) and isinstance(g.get("text"), str) and _numbers(g.get("probabilities"), len(heads))
            and _numbers(g.get("rules"), len(categories)) and isinstance(g.get("entities"), list)
            and all(isinstance(e, list) and len(e) == 3 and e[2] in ENTITY_KINDS for e in g["entities"])
            for g in golden):
        raise ModelError("golden must list texts with their probabilities per head")


def _numbers(values, count):
    return isinstance(values, list) and len(values) == count and \
        all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values)


def digest(data):
    """Short content hash of a model file, for its card."""
    return hashlib.sha256(data).hexdigest()[:16]


def model_problems(text):
    """Reasons a model file cannot be served (empty when it is fine)."""
    from .compiler import CATEGORIES

    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return [f"not valid JSON: {getattr(exc, 'msg', 'too deeply nested')}"]
    try:
        Model(doc, CATEGORIES)
    except ModelError as exc:
        return [str(exc)]
    return []


def model_findings_problems(doc):
    """(rule id, reason) for what is wrong in model/findings.yaml: a message, suggestion and
    guidance key for each of the eight categories."""
    from .compiler import CATEGORIES

    if not isinstance(doc, dict) or set(doc) != {"model"} or not isinstance(doc["model"], dict):
        return [(None, "must be a mapping with one key, model: {category: {message, suggestion, guidance}}")]
    problems = []
    entries = doc["model"]
    for category in CATEGORIES:
        if category not in entries:
            problems.append((f"model.{category}", "missing: every category needs its wording"))
    for category, entry in entries.items():
        rule = f"model.{category}"
        if category not in CATEGORIES:
            problems.append((rule, "not one of the eight categories"))
        elif not isinstance(entry, dict) or set(entry) != {"message", "suggestion", "guidance"} or \
                not all(isinstance(v, str) and v.strip() for v in entry.values()):
            problems.append((rule, "needs exactly message, suggestion and guidance, each a non-empty string"))
    return problems
