import json
import re
import random
import sys

from claimledger.evaluate import exact_key, fragments, score_attributions

TEXT = 'He said, "We will win." Critics, however, argued that it was unlikely.'
GOLD = [{"id": "a", "text": TEXT, "attributions": [
    {"source": [{"start": 0, "end": 2}], "cue": [{"start": 3, "end": 7}], "content": [{"start": 9, "end": 23}]},
    {"source": [{"start": 24, "end": 31}], "cue": [{"start": 42, "end": 48}], "content": [{"start": 49, "end": 70}]},
]}]


def test_gold_against_itself_is_perfect():
    scores = score_attributions(GOLD, GOLD)
    assert all(scores[lvl][m]["f1"] == 1.0 for lvl in scores for m in scores[lvl])


def test_exact_ignores_surrounding_punctuation_but_overlap_is_looser():
    pred = [{"article": {"id": "a"}, "attributions": [
        {"source": {"start": 0, "end": 2}, "cue": {"start": 3, "end": 8}, "content": {"start": 10, "end": 22}},
        {"source": None, "cue": {"start": 42, "end": 48}, "content": {"start": 49, "end": 60}}]}]
    s = score_attributions(GOLD, pred)
    assert s["cue"]["exact"]["tp"] == 2 and s["content"]["exact"]["tp"] == 1
    assert s["content"]["overlap"]["tp"] == 2
    assert s["source"]["exact"]["n_pred"] == 1 and s["source"]["exact"]["r"] == 0.5
    assert s["attribution"]["exact"]["tp"] == 1


def test_duplicates_do_not_double_count():
    s = score_attributions(GOLD, [{"id": "a", "attributions": [GOLD[0]["attributions"][0]] * 3}])
    assert s["cue"]["exact"]["tp"] == 1 and abs(s["cue"]["exact"]["p"] - 1 / 3) < 1e-9


def test_fragments_and_punctuation_only_cue():
    assert fragments({"start": 1, "end": 4, "fragments": [{"start": 1, "end": 2}, {"start": 3, "end": 4}]}) == [(1, 2), (3, 4)]
    assert exact_key([(5, 6)], "Trump: we win") == ((5, 6),)  # ":" survives when it is all there is
    assert exact_key([(0, 4), (6, 9)], 'abcd, efg') == ((0, 9),)


def test_agrees_with_shared_scorer_on_a_perturbed_sample(eval_dir):
    sys.path.insert(0, str(eval_dir))
    import score_attributions as shared

    gold = [json.loads(line) for line in open(eval_dir / "polnear" / "dev.jsonl", encoding="utf-8")][:30]
    rng = random.Random(7)
    preds = []
    for row in gold:
        kept = []
        for att in row["attributions"]:
            if rng.random() < 0.2:
                continue
            att = {role: [dict(f) for f in frags] for role, frags in att.items()}
            for frags in att.values():
                for f in frags:
                    if rng.random() < 0.3:
                        f["end"] = max(f["start"] + 1, f["end"] - rng.randint(0, 6))
            kept.append(att)
        preds.append({"id": row["id"], "attributions": kept})
    theirs = shared.score(gold, preds, warn=lambda *_: None)
    ours = score_attributions(gold, preds)
    for level in ("source", "cue", "content", "attribution"):
        for metric in ("exact", "overlap", "token"):
            for key in ("tp", "n_pred", "n_gold"):
                assert ours[level][metric][key] == theirs[level][metric][key], (level, metric, key)


def test_evaluate_command_reports_each_bad_row_and_scores_the_rest(tmp_path):
    from click.testing import CliRunner

    from claimledger.cli import main

    text = "Ana Ruiz said the dam was safe."
    good = {"id": "g1", "text": text, "attributions": [
        {"source": [[0, 8]], "cue": [[9, 13]], "content": [[14, 30]]}]}
    rows = [json.dumps(good), "{not json", json.dumps([1, 2]), json.dumps({"id": "g2", "text": 5}),
            json.dumps({"id": "g3", "text": ""}), json.dumps({"id": "g4", "text": text, "attributions": "oops"}),
            json.dumps({"id": "g5", "text": text, "attributions": [{"source": "abc"}]}),
            json.dumps({"id": "g6", "text": text, "attributions": [{"cue": [[9, 400]]}]})]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(rows) + "\n", encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text(json.dumps(good) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "attributions", str(gold), "--predictions", str(predictions)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    problems = [line for line in result.stderr.splitlines() if line.startswith("claimledger:")]
    assert [line.split(":")[2] for line in problems] == [str(n) for n in range(2, 9)]
    assert re.search(r"^cue\s+exact\s+1\.0000\s+1\.0000\s+1\.0000", result.stdout, re.M)


def test_evaluate_command_with_nothing_to_score_or_nowhere_to_save_stops_early(tmp_path):
    from click.testing import CliRunner

    from claimledger.cli import main

    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "attributions", str(empty)])
    assert result.exit_code == 1 and "no gold articles" in result.stderr
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "text": "Ana said so."}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["evaluate", "attributions", str(gold), "--save",
                                       str(tmp_path / "missing" / "p.jsonl")])
    assert result.exit_code == 2 and "cannot write" in result.stderr and "Traceback" not in result.output


def test_statements_reported_within_another_are_left_out_as_polnear_annotates_none():
    inner = {"id": "a9", "within": "a1", "source": {"start": 58, "end": 60}, "cue": {"start": 61, "end": 64},
             "content": {"start": 65, "end": 70}}
    plain = score_attributions(GOLD, GOLD)
    with_inner = score_attributions(GOLD, [{"id": "a", "attributions": GOLD[0]["attributions"] + [inner]}])
    assert with_inner == plain
