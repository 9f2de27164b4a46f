"""Quiz honesty: `ruthan content check` fails a bank that a learner could pass by always saying "no"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from bot.cli import app
from bot.content import Content
from bot.content_audit import MAX_STRATEGY_SCORE, audit, caution_count, strategy_score

runner = CliRunner()


def option(text: str, *, correct: bool = False) -> dict[str, Any]:
    return {"text": text, "label": text[:20], "correct": correct}


# Three questions where the right answer is the only careful-sounding one: the reflex "say no" wins them all.
REFLEX_WINS = [
    [option("โอนเงินไปให้เลย"), option("ไม่โอน แล้วโทรถามธนาคารเอง", correct=True), option("ส่งเลขบัญชีให้")],
    [option("กดลิงก์"), option("กรอกรหัสผ่าน"), option("ลบข้อความ ไม่กดลิงก์", correct=True)],
    [option("ไม่บอก แล้ววางสาย", correct=True), option("บอกรหัสไป"), option("บอกครึ่งเดียว")],
]
# The same situations with careful-sounding wrong moves real victims make, and one genuine message.
HONEST = [
    [option("ไม่โอน แต่ส่งเลขบัญชีให้เขาตรวจ"), option("โทรกลับเบอร์ที่เขาให้"), option("วางสาย", correct=True)],
    [option("ถามในแชทว่าใช่ตัวจริงไหม"), option("กดลิงก์ในข้อความเพื่อเช็ก"), option("เข้าแอปเอง", correct=True)],
    [option("ใส่รหัสได้ เพราะเราขอเอง", correct=True), option("ไม่ใส่ แล้วลบแอปทิ้ง"), option("แจ้งตำรวจก่อน")],
]


def write_bank(root: Path, questions: list[list[dict[str, Any]]]) -> Path:
    """A one-track, one-module bank whose quiz has the given options."""
    (root / "curriculum" / "modules").mkdir(parents=True)
    (root / "quizzes").mkdir()
    track = {"id": "general", "title": "ทั่วไป", "audience": "general", "modules": ["bank"]}
    module = {
        "id": "bank",
        "title": "คลัง",
        "cards": [{"text": "หนึ่ง"}, {"text": "สอง"}],
        "sources": [{"title": "ที่มา"}],
    }
    quiz = {
        "module": "bank",
        "questions": [
            {
                "id": f"bank-q{n}",
                "prompt": "ควรทำอย่างไร",
                "options": options,
                "explanation": "เพราะ",
                "skill": "cybersecurity",
            }
            for n, options in enumerate(questions, start=1)
        ],
    }
    for path, data in (
        (root / "curriculum" / "tracks.yaml", {"tracks": [track]}),
        (root / "curriculum" / "modules" / "bank.yaml", module),
        (root / "quizzes" / "bank.yaml", quiz),
    ):
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_a_bank_the_cautious_reflex_passes_fails_the_check(tmp_path: Path) -> None:
    result = runner.invoke(app, ["content", "check", "--root", str(write_bank(tmp_path, REFLEX_WINS))])
    assert result.exit_code == 1
    assert "general: 3 choice questions: always-cautious 100%" in result.output
    assert "track 'general': always-cautious scores 100% of 3 choice questions (at most 50%)" in result.output
    assert "Content OK" not in result.output


def test_a_bank_with_careful_wrong_moves_passes_the_check(tmp_path: Path) -> None:
    result = runner.invoke(app, ["content", "check", "--root", str(write_bank(tmp_path, HONEST))])
    assert result.exit_code == 0, result.output
    assert "guessing 33%" in result.output and "Content OK" in result.output


def test_always_longest_fails_the_check_too(tmp_path: Path) -> None:
    longest_wins = [
        [option("ก"), option("ข"), option("เข้าแอปธนาคารเอง แล้วดูยอดเงินในแอป", correct=True)],
        [option("เข้าเว็บตามลิงก์ในข้อความเพื่อดูพัสดุ", correct=True), option("ข"), option("ค")],
        [option("ก"), option("ค้นเบอร์จริงของร้านจากเว็บไซต์ของร้านเอง", correct=True), option("ค")],
    ]
    result = runner.invoke(app, ["content", "check", "--root", str(write_bank(tmp_path, longest_wins))])
    assert result.exit_code == 1
    assert "track 'general': always-longest scores 100%" in result.output


def test_caution_markers_are_whole_words() -> None:
    assert caution_count("วางสาย แล้วโทรถามลูกหลาน") == 3
    assert caution_count("กรอกรหัสตามที่เขาบอก") == 0  # no "รอ" or "ไม่" hiding inside other words
    assert caution_count("แจ้งความที่สถานีตำรวจ") == 1  # one marker, not แจ้ง + แจ้งความ


def test_a_tie_scores_what_a_learner_picking_at_random_among_the_tied_would_get() -> None:
    assert strategy_score([1, 1, 0], 0) == (0.5, 1.0)
    assert strategy_score([1, 1, 1], 2) == (1 / 3, 1.0)
    assert strategy_score([2, 1, 0], 1) == (0.0, 0.0)


def test_no_simple_strategy_passes_a_real_track(real_content: Content) -> None:
    for track in audit(real_content):
        assert track.cautious <= MAX_STRATEGY_SCORE, track.line()
        assert track.longest <= MAX_STRATEGY_SCORE, track.line()
        assert track.go_ahead > 0, f"{track.track_id}: no question where the genuine message is fine"
