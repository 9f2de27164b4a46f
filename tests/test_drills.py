"""Drills ("จริงหรือหลอก?"): the real drill bank, its checks, rendering, typed verdicts, feedback, scoring and
the daily set, plus the loader's errors and `ruthan content check` / `export` on drill content."""

from __future__ import annotations

import html
import json
import shutil
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.content import Audience, Content, ContentError, load_content
from bot.drills import render
from bot.drills.answers import Verdict, from_postback, read_verdict
from bot.drills.content import CheckKind, DrillKind
from bot.drills.feedback import HEADLINES, feedback, is_correct
from bot.drills.report import drill_figures
from bot.drills.scoring import Answer, Score, check_score, per_cue
from bot.drills.selection import Attempt, cue_weakness, daily_set
from tests import contract
from tests.harness import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

# The modules of the three tracks when the drills were written; modules added later get drills later
# (`content check` warns about them), but these must never lose theirs.
MODULES_WITH_DRILLS = {
    "student": [
        "stop-think-ask-act", "passwords-otp", "personal-data", "cyberbullying", "line-takeover",
        "phishing-links", "fake-news", "shopping-qr", "gambling-screen-time", "mule-accounts",
    ],
    "elderly": [
        "elderly-stop-think", "elderly-call-centre", "elderly-fake-family", "elderly-sms-links",
        "elderly-fake-apps", "elderly-love-invest", "elderly-fake-news", "elderly-after-scam",
    ],
    "general": [
        "stop-think-ask-act", "call-centre", "phishing-links", "remote-access-apps", "line-takeover",
        "shopping-qr", "loan-job-scams", "investment-romance", "mule-accounts", "passwords-otp",
        "personal-data", "fake-news", "after-scam",
    ],
}  # fmt: skip


@pytest.fixture(scope="module")
def real() -> Content:
    return load_content(ROOT)


# ----- the drill bank ------------------------------------------------------------------------------


def test_the_bank_has_enough_drills_and_enough_genuine_ones(real: Content) -> None:
    drills = list(real.drills.drills.values())
    assert len(drills) >= 80
    assert sum(d.genuine for d in drills) / len(drills) >= 0.35
    for track in real.tracks:
        in_track = real.drills.in_track(track)
        assert sum(d.genuine for d in in_track) / len(in_track) >= 0.30, track


def test_every_module_has_a_genuine_and_a_scam_practice_drill(real: Content) -> None:
    final = real.drills.final_ids()
    for track, modules in MODULES_WITH_DRILLS.items():
        for module in modules:
            drills = real.drills.in_module(module, track=track)
            assert not final & {d.id for d in drills}, "final-check items are never practice drills"
            assert {d.genuine for d in drills} == {True, False}, (track, module)


def test_every_drill_cites_a_source_and_genuine_feedback_says_how_to_check(real: Content) -> None:
    for drill in real.drills.drills.values():
        assert all(s.pattern or (s.url and s.date) for s in drill.sources), drill.id
        assert "ปลอดภัย" not in drill.feedback + drill.tip
        if drill.genuine:
            assert "ไม่พบจุดน่าสงสัย" in drill.feedback, drill.id  # never "it is fine", always "no signs found"


def test_each_tracks_placement_and_final_checks_are_matched_not_identical(real: Content) -> None:
    for track in real.tracks:
        placement = real.drills.check(track, CheckKind.PLACEMENT)
        final = real.drills.check(track, CheckKind.FINAL)
        assert 8 <= len(placement) == len(final) <= 10
        assert not {d.id for d in placement} & {d.id for d in final}
        for feature in (
            lambda d: d.genuine,
            lambda d: d.kind,
            lambda d: d.difficulty,
            lambda d: d.main_cue,
        ):
            assert Counter(map(feature, placement)) == Counter(map(feature, final)), track
        assert 0 < sum(d.genuine for d in placement) < len(placement)


def _content_with_drills(tmp_path: Path, drills_yaml: str, checks_yaml: str | None = None) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    folder = root / "curriculum" / "drills"
    folder.mkdir()
    shutil.copy(ROOT / "curriculum" / "drills" / "cues.yaml", folder / "cues.yaml")
    (folder / "drills.yaml").write_text(drills_yaml, encoding="utf-8")
    if checks_yaml:
        (folder / "checks.yaml").write_text(checks_yaml, encoding="utf-8")
    return root


def _drill(
    drill_id: str, *, genuine: bool, cue: str, kind: str = "sms", difficulty: int = 1, **extra: str
) -> str:
    fields = {
        "id": drill_id,
        "kind": kind,
        "genuine": str(genuine).lower(),
        "tracks": "[student, general]",
        "modules": "[t-links]",
        "difficulty": str(difficulty),
        "cues": f"[{cue}]",
        "sender": "KBank",
        "messages": '["ข้อความ"]',
        "feedback": "ไม่พบจุดน่าสงสัยค่ะ" if genuine else "มีลิงก์ค่ะ",
        "tip": "เปิดแอปเองค่ะ",
        "sources": '[{title: "รูปแบบจริง", pattern: "SMS ธนาคาร"}]',
    } | extra
    return "  - " + "\n    ".join(f"{key}: {value}" for key, value in fields.items()) + "\n"


def test_loader_names_the_file_and_field_of_each_drill_problem(tmp_path: Path) -> None:
    drills = "drills:\n" + "".join(
        [
            _drill("d-genuine-with-scam-cue", genuine=True, cue="urgency"),
            _drill("d-no-such-cue", genuine=False, cue="made_up_cue"),
            _drill(
                "d-no-date",
                genuine=False,
                cue="urgency",
                sources='[{title: "ข่าว", url: "https://x.example"}]',
            ),
            _drill("d-safe-word", genuine=True, cue="no_link", tip="ข้อความนี้ปลอดภัยค่ะ"),
            _drill("d-web-without-address", genuine=False, cue="look_alike_domain", kind="web_page"),
            _drill("d-unknown-module", genuine=False, cue="urgency", modules="[t-elder]"),
        ]
    )
    with pytest.raises(ContentError) as caught:
        load_content(_content_with_drills(tmp_path, drills))
    text = "\n".join(caught.value.problems)
    assert (
        "curriculum/drills/drills.yaml: drills.0 (d-genuine-with-scam-cue): cues: 'urgency' is a scam cue"
        in text
    )
    assert "drills.1 (d-no-such-cue): cues: 'made_up_cue' is not in curriculum/drills/cues.yaml" in text
    assert "drills.2.sources.0: Value error, a source URL needs the date it was read" in text
    assert "drills.3: Value error, feedback and tip never call a message 'ปลอดภัย'" in text
    assert "drills.4: Value error, a web_page drill shows its address bar" in text
    assert "drills.5 (d-unknown-module): modules: 't-elder' is in none of the drill's tracks" in text


def test_unmatched_checks_are_rejected_with_the_pair_named(tmp_path: Path) -> None:
    scams = [_drill(f"s{i}", genuine=False, cue="link_in_sms") for i in range(8)]
    genuine = [_drill(f"g{i}", genuine=True, cue="otp_warning") for i in range(8)]
    drills = "drills:\n" + "".join(scams + genuine)
    pairs = [f"      - {{placement: s{i}, final: s{i + 4}}}\n" for i in range(4)]
    pairs += [f"      - {{placement: g{i}, final: g{i + 4}}}\n" for i in range(3)]
    pairs += ["      - {placement: g3, final: s0}\n"]  # genuine against scam, and s0 used twice
    checks = "checks:\n  - track: student\n    pairs:\n" + "".join(pairs)
    with pytest.raises(ContentError) as caught:
        load_content(_content_with_drills(tmp_path, drills, checks))
    text = "\n".join(caught.value.problems)
    assert "checks.yaml: checks.0: pairs.7: not matched on genuine: 'g3' has True, 's0' has False" in text
    assert "checks.yaml: checks.0: pairs.7: not matched on main cue" in text
    assert "'s0' is used 2 times" in text


# ----- rendering -----------------------------------------------------------------------------------


def _actions(node: object) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    if isinstance(node, dict):
        if "action" in node and isinstance(node["action"], dict):
            found.append(node["action"])
        for value in node.values():
            found += _actions(value)
    elif isinstance(node, list):
        for value in node:
            found += _actions(value)
    return found


def test_every_drill_renders_as_a_flex_screen_with_three_answer_postbacks(real: Content) -> None:
    for drill in real.drills.drills.values():
        for audience in Audience:
            message = render.drill_message(drill, audience)
            assert message["type"] == "flex"
            assert message["altText"].startswith("ฝึกจับโกง: ") and drill.sender in message["altText"]
            assert "http" not in message["altText"] and (drill.address or "\0") not in message["altText"]
            size = len(json.dumps(message["contents"], ensure_ascii=False).encode())
            assert size < 30_000  # LINE's bubble limit
            # Links are never live: no action at all inside the screen.
            assert _actions(message["contents"]) == []
            items = message["quickReply"]["items"]
            assert [i["action"]["label"] for i in items] == ["จริง", "หลอก", "ไม่แน่ใจ"]
            assert [i["action"]["data"] for i in items] == [
                f"a=drill&id={drill.id}&v=real",
                f"a=drill&id={drill.id}&v=scam",
                f"a=drill&id={drill.id}&v=unsure",
            ]


def _sizes(message: dict[str, object]) -> Counter[str]:
    sizes: Counter[str] = Counter()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                sizes[str(node["size"])] += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["contents"])
    return sizes


def test_elderly_learners_get_larger_type(real: Content) -> None:
    drill = real.drills.drills["e-sms-bank-link-suspend"]
    elderly = _sizes(render.drill_message(drill, Audience.ELDERLY))
    general = _sizes(render.drill_message(drill, Audience.GENERAL))
    assert general["md"] >= 1 and "xl" not in general
    assert elderly["xl"] >= 2 and "xs" not in elderly


def test_the_screen_shows_the_sender_address_and_every_bubble_as_text(real: Content) -> None:
    page = real.drills.drills["g-web-revenue-refund-fake"]
    flat = json.dumps(render.drill_message(page, Audience.GENERAL), ensure_ascii=False)
    assert '"text": "rd-go-th.com/refund"' in flat and all(m.text in flat for m in page.messages)
    official = real.drills.drills["e-lineoa-pea-bill"]
    flat = json.dumps(render.drill_message(official, Audience.ELDERLY), ensure_ascii=False)
    assert "บัญชีทางการ โล่สีเขียว" in flat and render.BADGE_COLORS["green"] in flat


def test_the_simulator_draws_every_drill_with_its_screen_colours(real: Content) -> None:
    from bot.web.lineview import render_message

    for drill in real.drills.drills.values():
        page = str(render_message(render.drill_message(drill, Audience.GENERAL)))
        assert 'class="ln-header" style="background-color:' in page
        assert all(html.escape(m.text, quote=False) in page for m in drill.messages), drill.id
    call = str(render_message(render.drill_message(real.drills.drills["e-call-police"], Audience.ELDERLY)))
    assert 'class="ln-header" style="background-color:#263238"' in call
    assert 'class="ln-footer" style="background-color:#FFFFFF;border-top:1px solid #DDDDDD"' in call
    # Style values are checked, never copied: a hostile colour is dropped, not injected.
    hostile = {
        "type": "flex",
        "altText": "x",
        "contents": {
            "type": "bubble",
            "body": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "x"}]},
            "styles": {
                "body": {"backgroundColor": 'red;"><script>', "separator": True, "separatorColor": "1"}
            },
        },
    }
    drawn = str(render_message(hostile))
    assert "<script>" not in drawn and 'class="ln-body" style="border-top:1px solid #dddddd"' in drawn


@pytest.mark.skipif(not contract.available(), reason=f"LINE's OpenAPI files are not at {contract.SPEC}")
def test_drill_and_feedback_messages_match_lines_spec(real: Content) -> None:
    kinds_seen = set()
    for drill in real.drills.drills.values():
        if drill.kind in kinds_seen and drill.kind is not DrillKind.LINE_OFFICIAL:
            continue
        kinds_seen.add(drill.kind)
        for audience in (Audience.ELDERLY, Audience.STUDENT):
            messages = [render.drill_message(drill, audience)]
            messages += feedback(drill, Verdict.SCAM, audience, cues=real.drills.cues)
            body = {"replyToken": "x" * 32, "messages": messages}
            assert contract.problems("POST", "/v2/bot/message/reply", body) == [], drill.id
    assert kinds_seen == set(DrillKind)


# ----- typed answers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "verdict"),
    [
        ("จริง", Verdict.REAL),
        ("จิงค่ะ", Verdict.REAL),
        ("ของจริงค่ะ", Verdict.REAL),
        ("1", Verdict.REAL),
        ("หลอก", Verdict.SCAM),
        ("หลอกกกก", Verdict.SCAM),
        ("ปลอม", Verdict.SCAM),
        ("ปอม", Verdict.SCAM),
        ("มิจฉาชีพ", Verdict.SCAM),
        ("ข้อ 2", Verdict.SCAM),
        ("ไม่จริงค่ะ", Verdict.SCAM),
        ("ไม่หลอก", Verdict.REAL),
        ("ไม่ได้หลอกค่ะ", Verdict.REAL),
        ("ไม่แน่ใจ", Verdict.UNSURE),
        ("ไม่รู้ค่ะ", Verdict.UNSURE),
        ("๓", Verdict.UNSURE),
        ("???", Verdict.UNSURE),
        ("ไม่ใช่", None),
        ("สวัสดีค่ะ", None),
        ("จริงหรือหลอก", None),
    ],
)
def test_typed_verdicts_are_read_with_typos_and_negation(typed: str, verdict: Verdict | None) -> None:
    assert read_verdict(typed) is verdict


def test_button_values_map_to_verdicts() -> None:
    assert [from_postback(v) for v in ("real", "scam", "unsure", "maybe", None)] == [
        Verdict.REAL,
        Verdict.SCAM,
        Verdict.UNSURE,
        None,
        None,
    ]


# ----- feedback ------------------------------------------------------------------------------------


def test_feedback_on_a_missed_scam_names_its_cues_and_what_to_do(real: Content) -> None:
    drill = real.drills.drills["g-sms-kbank-fbs-freeze"]
    first, second = feedback(drill, Verdict.REAL, Audience.GENERAL, cues=real.drills.cues)
    assert first["text"].startswith("ข้อนี้เป็นของหลอกค่ะ")
    assert "kbank-th.co" in first["text"]
    assert "จุดที่บอกว่าหลอก: ชื่อผู้ส่งปลอมได้ · มีลิงก์ใน SMS จากธนาคารหรือหน่วยงาน" in first["text"]
    assert second["text"].startswith("ทำอย่างไรดี") and drill.tip in second["text"]
    assert not is_correct(drill, Verdict.REAL) and is_correct(drill, Verdict.SCAM)


def test_feedback_on_a_genuine_message_says_why_and_how_to_check_anyway(real: Content) -> None:
    drill = real.drills.drills["e-otp-kbank"]
    next_button = [render.button("ต่อไป", "continue")]
    messages = feedback(drill, Verdict.SCAM, Audience.ELDERLY, cues=real.drills.cues, buttons=next_button)
    assert [m["type"] for m in messages] == ["flex", "flex"]  # large type for the elderly
    flat = json.dumps(messages, ensure_ascii=False)
    assert HEADLINES[(True, Verdict.SCAM)] in flat and "เช็กเองได้อย่างไร" in flat
    assert "จุดที่ทำให้น่าเชื่อ: เตือนว่าห้ามบอกรหัส" in flat and "ปลอดภัย" not in flat
    assert messages[-1]["quickReply"]["items"][0]["action"]["label"] == "ต่อไป"
    assert "quickReply" not in messages[0]


def test_unsure_is_praised_not_scored_right(real: Content) -> None:
    drill = real.drills.drills["e-call-police"]
    first, _ = feedback(drill, Verdict.UNSURE, Audience.STUDENT, cues=real.drills.cues)
    assert first["text"].startswith("ไม่แน่ใจแล้วหยุดก่อน ดีแล้วค่ะ")
    assert not is_correct(drill, Verdict.UNSURE)


# ----- scoring -------------------------------------------------------------------------------------


def _answers(scams: list[Verdict], genuine: list[Verdict]) -> list[Answer]:
    return [Answer(False, v) for v in scams] + [Answer(True, v) for v in genuine]


def test_score_worked_example_seven_of_eight_and_five_of_six() -> None:
    # 8 scams: 7 called หลอก, 1 called จริง. 6 genuine: 4 called จริง, 1 ไม่แน่ใจ, 1 called หลอก.
    score = Score.of(
        _answers(
            [Verdict.SCAM] * 7 + [Verdict.REAL],
            [Verdict.REAL] * 4 + [Verdict.UNSURE, Verdict.SCAM],
        )
    )
    assert (score.scams, score.hits, score.genuine, score.false_alarms, score.unsure) == (8, 7, 6, 1, 1)
    assert score.hit_rate == 0.875
    assert score.false_alarm_rate == pytest.approx(1 / 6)
    # H' = 7.5 / 9 = 0.8333, z = 0.9674; F' = 1.5 / 7 = 0.2143, z = -0.7916; d' = 1.7590
    assert score.d_prime == pytest.approx(1.7590, abs=1e-4)
    assert score.balanced_accuracy == pytest.approx((0.875 + 5 / 6) / 2)  # 0.8542
    assert score.summary_th() == "จับของปลอมได้ 7 ใน 8 และไม่ตกใจกับของจริง 5 ใน 6"
    assert score.as_dict()["d_prime"] == 1.759


def test_blanket_strategies_score_no_discrimination() -> None:
    always_scam = Score.of(_answers([Verdict.SCAM] * 8, [Verdict.SCAM] * 6))
    always_unsure = Score.of(_answers([Verdict.UNSURE] * 8, [Verdict.UNSURE] * 6))
    always_real = Score.of(_answers([Verdict.REAL] * 8, [Verdict.REAL] * 6))
    # Corrected rates: 8.5/9 vs 6.5/7 and 0.5/9 vs 0.5/7; d' = +0.128 and -0.128.
    assert always_scam.d_prime == pytest.approx(0.128, abs=1e-3)
    assert always_unsure.d_prime == pytest.approx(-0.128, abs=1e-3)
    assert always_real.d_prime == always_unsure.d_prime
    for blanket in (always_scam, always_unsure, always_real):
        assert blanket.balanced_accuracy == 0.5
    assert always_scam.summary_th() == "จับของปลอมได้ 8 ใน 8 และไม่ตกใจกับของจริง 0 ใน 6"
    perfect = Score.of(_answers([Verdict.SCAM] * 8, [Verdict.REAL] * 6))
    # 8.5/9 -> z = 1.5932; 0.5/7 -> z = -1.4652; d' = 3.0584
    assert perfect.d_prime == pytest.approx(3.0584, abs=1e-4)


def test_score_without_both_kinds_has_no_d_prime() -> None:
    only_scams = Score.of(_answers([Verdict.SCAM, Verdict.REAL], []))
    assert only_scams.d_prime is None and only_scams.balanced_accuracy is None
    assert only_scams.summary_th() == "จับของปลอมได้ 1 ใน 2"
    assert Score.of([]).summary_th() == "ยังไม่ได้ฝึกจับโกงเลยค่ะ"


def test_check_and_per_cue_scores_for_trainers(real: Content) -> None:
    placement = real.drills.check("elderly", CheckKind.PLACEMENT)
    # Before: says "หลอก" to everything but the first genuine item, and skips the last item.
    verdicts = {d.id: Verdict.SCAM for d in placement[:-1]}
    first_genuine = next(d for d in placement if d.genuine)
    verdicts[first_genuine.id] = Verdict.REAL
    before = check_score(real.drills, "elderly", CheckKind.PLACEMENT, verdicts)
    assert before.answered == len(placement) - 1
    assert before.hits == before.scams and before.false_alarms == before.genuine - 1
    cues = per_cue((d, verdicts[d.id]) for d in placement if d.id in verdicts)
    assert cues["link_in_sms"].hit_rate == 1.0 and cues["link_in_sms"].genuine == 0
    assert cues["expected_event"].genuine >= 1 and cues["expected_event"].scams == 0


# ----- the daily set -------------------------------------------------------------------------------

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def test_daily_set_mixes_genuine_and_scam_and_never_shows_final_items(real: Content) -> None:
    final = real.drills.final_ids()
    for track in real.tracks:
        for day in range(30):
            today = NOW.date() + timedelta(days=day)
            chosen = daily_set(real.drills, track, [], today=today, seed="U1")
            assert len(chosen) == 3 and len({d.id for d in chosen}) == 3
            assert {d.genuine for d in chosen} == {True, False}
            assert not final & {d.id for d in chosen}
            assert all(track in d.tracks for d in chosen)


def test_daily_set_is_a_pure_function_of_history_seed_and_date(real: Content) -> None:
    one = daily_set(real.drills, "general", [], today=date(2026, 12, 4), seed="U1")
    again = daily_set(real.drills, "general", [], today=date(2026, 12, 4), seed="U1")
    other_day = [
        daily_set(real.drills, "general", [], today=date(2026, 12, d), seed="U1") for d in range(5, 12)
    ]
    assert [d.id for d in one] == [d.id for d in again]
    assert any([d.id for d in s] != [d.id for d in one] for s in other_day)


def test_daily_set_leaves_out_what_was_seen_recently(real: Content) -> None:
    practice = real.drills.in_track("elderly", practice=True)
    unseen = [d for d in practice if d.genuine][:2] + [d for d in practice if not d.genuine][:2]
    seen = [d for d in practice if d not in unseen]
    history = [Attempt(d.id, Verdict.SCAM, NOW - timedelta(days=2)) for d in seen]
    for seed in ("U2", "U3", "U4"):
        chosen = daily_set(real.drills, "elderly", history, today=NOW.date(), seed=seed)
        assert {d.id for d in chosen} <= {d.id for d in unseen}
        assert {d.genuine for d in chosen} == {True, False}
    # Seen two months ago counts as fresh again.
    old = [Attempt(a.drill_id, a.verdict, NOW - timedelta(days=60)) for a in history]
    picks = {
        d.id
        for s in range(20)
        for d in daily_set(real.drills, "elderly", old, today=NOW.date(), seed=f"s{s}")
    }
    assert picks - {d.id for d in unseen}
    # With almost everything seen this week, the longest-unseen come back rather than an empty set.
    everything = [
        Attempt(d.id, Verdict.SCAM, NOW - timedelta(days=1 + i % 5)) for i, d in enumerate(practice)
    ]
    for seed in ("U5", "U6", "U7"):
        chosen = daily_set(real.drills, "elderly", everything, today=NOW.date(), seed=seed)
        assert len(chosen) == 3 and {d.genuine for d in chosen} == {True, False}


def test_daily_set_leans_towards_the_learners_weak_cues(real: Content) -> None:
    bank = real.drills
    look_alikes = [d for d in bank.in_track("general", practice=True) if "look_alike_domain" in d.cues]
    others = [d for d in bank.in_track("general", practice=True) if not set(d.cues) & {"look_alike_domain"}]
    # Long ago (so nothing is excluded as recent): every look-alike missed, everything else right.
    long_ago = NOW - timedelta(days=90)
    history = [Attempt(d.id, Verdict.REAL, long_ago) for d in look_alikes for _ in range(3)]
    history += [Attempt(d.id, Verdict(d.verdict), long_ago) for d in others]
    weakness = cue_weakness(bank, history)
    assert weakness["look_alike_domain"] > 0.8 and weakness["urgency"] < weakness["look_alike_domain"]

    def share(hist: list[Attempt]) -> float:
        picks = [
            d
            for s in range(300)
            for d in daily_set(bank, "general", hist, today=NOW.date(), seed=f"learner-{s}")
        ]
        return sum("look_alike_domain" in d.cues for d in picks) / len(picks)

    assert share(history) > share([]) * 1.3


# ----- the command line ----------------------------------------------------------------------------


def test_content_check_prints_drill_figures_per_track() -> None:
    result = runner.invoke(app, ["content", "check", "--root", str(ROOT)])
    assert result.exit_code == 0, result.output
    figures = drill_figures(load_content(ROOT))
    for track, t in figures["tracks"].items():
        assert (
            f"  {track}: {t['drills']} drills, {t['genuine']} genuine ({t['genuine_share']:.0%})"
            in result.output
        )
        assert (
            f"{len(t['scam_cues'])} scam cues and {len(t['trust_cues'])} trust cues covered" in result.output
        )
    assert f"{figures['drills']} drills" in result.output.splitlines()[-1]


def test_content_check_fails_when_a_tracks_drills_are_mostly_scams(tmp_path: Path) -> None:
    drills = "drills:\n" + "".join(
        [_drill(f"s{i}", genuine=False, cue="link_in_sms") for i in range(4)]
        + [_drill("g0", genuine=True, cue="otp_warning")]
        + [_drill("e0", genuine=True, cue="no_link", tracks="[elderly]", modules="[t-elder]")]
    )
    root = _content_with_drills(tmp_path, drills)
    result = runner.invoke(app, ["content", "check", "--root", str(root)])
    assert result.exit_code == 1
    assert "track 'student': only 1 of 5 drills are genuine (20%); at least 30% must be" in result.output
    assert "track 'general': only 1 of 5 drills are genuine (20%)" in result.output
    assert "track 'elderly'" not in result.output.split("problem(s):")[1]


def test_content_export_writes_cards_questions_and_drills_as_one_json_document(tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    result = runner.invoke(app, ["content", "export", "--json", "--root", str(ROOT), "--output", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    content = load_content(ROOT)
    assert len(document["modules"]) == len(content.lessons)
    questions = {q["id"]: q for m in document["modules"] for q in m["questions"]}
    assert len(questions) == len(content.questions)
    some_id, (lesson, question) = next(iter(content.questions.items()))
    exported = questions[some_id]
    assert exported["options"][exported["correct"]] == question.options[question.answer].text
    assert exported["explanation"] == question.explanation and exported["sources"]
    assert {m["id"]: m["cards"] for m in document["modules"]}[lesson.id] == [
        c.text for c in lesson.module.cards
    ]
    drills = {d["id"]: d for d in document["drills"]}
    assert len(drills) == len(content.drills)
    assert {"kind": "sms", "genuine": False, "difficulty": 2}.items() <= drills[
        "g-sms-kbank-fbs-freeze"
    ].items()
    assert drills["g-sms-kbank-fbs-freeze"]["cues"][0] == "forged_sender_name"
    assert drills["e-otp-kbank"]["sources"][0]["pattern"]
    assert document["checks"]["elderly"]["final"][0] == "e-sms-bank-link-points"
    # Without --json it says how to ask, and writes nothing.
    plain = runner.invoke(app, ["content", "export", "--root", str(ROOT)])
    assert plain.exit_code == 1 and "--json" in plain.output
    # To standard output by default.
    printed = runner.invoke(app, ["content", "export", "--json", "--root", str(ROOT)])
    assert json.loads(printed.output)["format"] == "ruthan-content-export"
