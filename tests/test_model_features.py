"""The model's serving path reads a text exactly as training's featurisation does, and scores it
with the plain tf-idf arithmetic: checked on generated texts against the reference functions."""
import math
from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import engine
from service.model import _ASCII_TOKEN, _TOKEN, BLOCKS, mask, sentence_features, tokens

NAMES = ["Labour", "the Greens", "the Conservatives", "Keir Starmer", "Reform UK", "the SNP", "Sinn Féin", "Trump"]
WORDS = ["vote", "Vote", "the", "plan", "is", "a", "disgrace", "can't", "O'Neill's", "#Labour", "@MP", "##x", "@@",
         "x#y", "'quoted'", "it''s", "café", "Zoë", "İstanbul", "ß", "日本", "привет", "ﬁne", "under-11s", "_x_", "42"]
EXOTIC = ["🎉", "👀", "👨‍👩‍👧", "🇬🇧", "’", "…", "–", "“", "£", "\u00a0", "\u200b", "e\u0301", "\ud800", "\x00"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "! ", "? ", "... ", "\n", "\n\n", "\t", "'", "#", "@", ""]

fragments = st.one_of(st.sampled_from(NAMES), st.sampled_from(WORDS), st.sampled_from(EXOTIC),
                      st.sampled_from(SEPARATORS), st.text(max_size=8))
texts = st.lists(fragments, max_size=40).map("".join)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference(model, data, spans, entities, rule_inputs):
    """Tokens, feature occurrences (id, sentence, first, second token), probabilities and shares,
    straight from training's functions and the tf-idf formula, one feature at a time."""
    toks, occurrences = [], []
    for sid, (start, end) in enumerate(spans):
        sentence = mask(tokens(data, start, end), entities)
        for feature, first, second in sentence_features(sentence):
            if feature in model.index:
                occurrences.append((model.index[feature], sid, len(toks) + first, len(toks) + second))
        toks.extend(sentence)
    counts = Counter(fid for fid, _, _, _ in occurrences)
    value = {fid: (1 + math.log(c)) * model.idf[fid] for fid, c in counts.items()}
    norms = [0.0] * len(BLOCKS)
    for fid, v in value.items():
        norms[model.block[fid]] += v * v
    norms = [math.sqrt(n) or 1.0 for n in norms]
    shares = [value[fid] / norms[model.block[fid]] / counts[fid] for fid, _, _, _ in occurrences]
    logits = np.array(rule_inputs) @ model.rule_weights + model.bias
    for share, (fid, _, _, _) in zip(shares, occurrences):
        logits = logits + share * model.weights[fid]
    return toks, occurrences, shares, 1 / (1 + np.exp(-logits))


def judged(ruleset, text):
    subject = engine.Text(ruleset, text)
    spans, entities = subject.sentence_spans(), subject.entity_spans()
    rule_inputs = [float(i % 2) for i in range(8)]
    return (ruleset.model.judge(subject.data, spans, rule_inputs, entities),
            reference(ruleset.model, subject.data, spans, entities, rule_inputs))


@PROPERTY
@given(texts)
def test_the_serving_path_reads_and_scores_a_text_as_the_reference_does(ruleset, text):
    judgement, (toks, occurrences, shares, probabilities) = judged(ruleset, text)
    assert judgement.tokens == toks
    assert judgement.words == sum(1 for t in toks if t[2][0] < "\U00010000")
    sids, first, second = judgement.scan.owners() if toks else ([], [], [])
    assert sorted(zip(judgement.ids.tolist(), list(sids), list(first), list(second))) == sorted(occurrences)
    order = sorted(range(len(occurrences)), key=lambda k: occurrences[k])
    fast = sorted(range(len(occurrences)), key=lambda k: (judgement.ids[k], sids[k], first[k], second[k]))
    assert np.allclose(np.asarray(judgement.shares)[fast], np.asarray(shares)[order], rtol=0, atol=1e-12)
    warn = judgement.probability("warn")  # the warn head alone, before the others
    assert abs(warn - probabilities[0]) <= 1e-9
    assert np.allclose(judgement.probabilities, probabilities, rtol=0, atol=1e-9)


@PROPERTY
@given(texts)
def test_contributions_add_up_to_each_head_s_logit(ruleset, text):
    judgement, (toks, occurrences, shares, probabilities) = judged(ruleset, text)
    model = ruleset.model
    for column, head in enumerate(model.heads):
        text_part = sum(share * model.weights[fid, column] for share, (fid, _, _, _) in zip(shares, occurrences))
        assert abs(judgement.sentence_contributions(head).sum() - text_part) <= 1e-9
        assert abs(judgement.token_contributions(head).sum() - text_part) <= 1e-9
        per_sentence = [0.0] * judgement.n_sentences
        for share, (fid, sid, _, _) in zip(shares, occurrences):
            per_sentence[sid] += share * model.weights[fid, column]
        assert np.allclose(judgement.sentence_contributions(head), per_sentence, rtol=0, atol=1e-9)
        assert len(judgement.token_contributions(head)) == len(toks)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=80).map(lambda b: bytes(c & 0x7F for c in b)))
def test_the_ascii_token_pattern_finds_what_the_full_one_does_on_ascii(data):
    assert _ASCII_TOKEN.findall(data) == _TOKEN.findall(data)
    assert [m.span() for m in _ASCII_TOKEN.finditer(data)] == [m.span() for m in _TOKEN.finditer(data)]


def test_a_token_seen_again_is_read_from_the_cache_the_same(ruleset):
    text = "Café owners back the plan. Café owners back the plan 🎉"
    first, _ = judged(ruleset, text)
    again, (toks, _, _, probabilities) = judged(ruleset, text)
    assert again.tokens == first.tokens == toks
    assert np.allclose(again.probabilities, probabilities, rtol=0, atol=1e-9)
