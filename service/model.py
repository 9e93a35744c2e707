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
        self.block = np.array([BLOCKS.index(f.split(":", 1)[0]) for f in vocabulary], dtype=np.int8)
        self.idf = np.asarray(doc["idf"], dtype=np.float64)
        self.weights = _decode_weights(doc, len(vocabulary), len(self.heads))
        self.rule_weights = np.asarray(doc["rule_weights"], dtype=np.float64)
        self.bias = np.asarray(doc["bias"], dtype=np.float64)
        self.version = doc["card"]["version"]
        self.golden = doc["golden"]
        self._cache = {}

    def _token_ids(self, token):
        """Feature ids a token brings on its own, cached: most words of a post were seen before."""
        ids = self._cache.get(token)
        if ids is None:
            if len(self._cache) >= CACHE_TOKENS:
                self._cache.clear()
            index = self.index
            ids = np.array([index[f] for f in token_features(token) if f in index], dtype=np.int64)
            self._cache[token] = ids
        return ids

    def features(self, data, sentences, entities=()):
        """Known features of a text: (feature ids, sentence ids, first and second token ids), and tokens."""
        parts, lengths, owners, all_tokens = [], [], [], []
        pair_ids, pair_first, pair_second = [], [], []
        index = self.index
        for sid, (start, end) in enumerate(sentences):
            toks = mask(tokens(data, start, end), entities)
            base = len(all_tokens)
            all_tokens.extend(toks)
            previous = None
            for k, (_, _, token) in enumerate(toks):
                ids = self._token_ids(token)
                parts.append(ids)
                lengths.append(len(ids))
                owners.append(sid)
                if token[0] < "\U00010000":
                    word = token.lstrip("#@")
                    if previous is not None:
                        fid = index.get(f"b:{previous[1]} {word}")
                        if fid is not None:
                            pair_ids.append(fid)
                            pair_first.append(previous[0])
                            pair_second.append(base + k)
                    previous = (base + k, word)
        n = len(all_tokens)
        if n:
            lengths = np.array(lengths, dtype=np.int64)
            token_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
            ids = np.concatenate(parts + [np.array(pair_ids, dtype=np.int64)])
            first = np.concatenate([token_of, np.array(pair_first, dtype=np.int64)])
            second = np.concatenate([token_of, np.array(pair_second, dtype=np.int64)])
            token_sentence = np.array(owners, dtype=np.int64)
            sids = token_sentence[first]
        else:
            ids = sids = first = second = np.zeros(0, dtype=np.int64)
        return (ids, sids, first, second), all_tokens

    def values(self, ids):
        """Per occurrence, its share of the tf-idf value of its feature (shares of a feature add up to it)."""
        if ids.size == 0:
            return np.zeros(0)
        unique, inverse, counts = np.unique(ids, return_inverse=True, return_counts=True)
        value = (1.0 + np.log(counts)) * self.idf[unique]
        blocks = self.block[unique]
        norms = np.sqrt(np.bincount(blocks, weights=value * value, minlength=len(BLOCKS)))
        value = value / np.where(norms[blocks] > 0, norms[blocks], 1.0)
        return value[inverse] / counts[inverse]

    def logits(self, ids, shares, rule_inputs):
        """Each head's logit for a text."""
        linear = shares @ self.weights[ids] if ids.size else np.zeros(len(self.heads))
        return linear + np.asarray(rule_inputs) @ self.rule_weights + self.bias

    def judge(self, data, sentences, rule_inputs, entities=()):
        """The model's view of a text: probabilities per head and, per head, each sentence's
        and each token's contribution to its logit. entities: sorted (start, end, kind) byte spans."""
        (ids, sids, first, second), toks = self.features(data, sentences, entities)
        shares = self.values(ids)
        logits = self.logits(ids, shares, rule_inputs)
        probabilities = 1.0 / (1.0 + np.exp(-logits))
        return Judgement(self, ids, sids, first, second, shares, toks, probabilities, len(sentences))


class Judgement:
    """What the model made of one text, and how to explain it."""

    def __init__(self, model, ids, sids, first, second, shares, toks, probabilities, n_sentences):
        self.model, self.ids, self.sids = model, ids, sids
        self.first, self.second, self.shares = first, second, shares
        self.tokens, self.probabilities, self.n_sentences = toks, probabilities, n_sentences

    def probability(self, head):
        return float(self.probabilities[self.model.heads.index(head)])

    def _contributions(self, head):
        column = self.model.heads.index(head)
        return self.shares * self.model.weights[self.ids, column] if self.ids.size else np.zeros(0)

    def sentence_contributions(self, head):
        """Each sentence's part of a head's logit."""
        if not self.ids.size:
            return np.zeros(self.n_sentences)
        return np.bincount(self.sids, weights=self._contributions(head), minlength=self.n_sentences)

    def token_contributions(self, head):
        """Each token's part of a head's logit (a word pair's part split between its two words)."""
        if not self.ids.size:
            return np.zeros(len(self.tokens))
        half = self._contributions(head) / 2
        return (np.bincount(self.first, weights=half, minlength=len(self.tokens)) +
                np.bincount(self.second, weights=half, minlength=len(self.tokens)))


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
