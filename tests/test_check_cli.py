"""`ruthan check`: what a trainer types, and what they read; the same engine the chat uses."""

from __future__ import annotations

import json
from pathlib import Path

import pytesseract
import pytest
from typer.testing import CliRunner

from bot.check import check_text, ocr
from bot.cli import app
from tests.check_screens import raqm_problem, sms_screenshot

runner = CliRunner()
SCAM = "ยินดีด้วย คุณได้รับเงินคืนภาษี 3,200 บาท กดรับที่ https://rd-refund.cc/th ภายในวันนี้"


def test_json_has_exactly_the_documented_shape() -> None:
    result = runner.invoke(app, ["check", SCAM, "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert list(printed) == ["verdict", "signs", "module"]
    assert printed["verdict"] == "warning" and printed["module"] == "phishing-links"
    assert all(list(sign) == ["id", "text_th", "module", "evidence"] for sign in printed["signs"])
    assert printed == check_text(SCAM).as_json()  # one code path with the chat


def test_standard_input_with_a_dash() -> None:
    result = runner.invoke(app, ["check", "-", "--json"], input="รหัส OTP ของคุณคือ 482913 ห้ามบอกรหัสนี้แก่ผู้อื่น\n")
    assert json.loads(result.output) == {
        "verdict": "no_signs_found",
        "signs": [],
        "module": "stop-think-ask-act",
    }


def test_a_greeting_is_not_a_message() -> None:
    result = runner.invoke(app, ["check", "สวัสดีค่ะ", "--json"])
    assert json.loads(result.output) == {"verdict": "not_a_message", "signs": [], "module": None}


def test_plain_output_lists_each_sign_with_its_evidence() -> None:
    result = runner.invoke(app, ["check", SCAM])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "warning: 4 sign(s); lesson: phishing-links"
    assert (
        lines[1].startswith("- lookalike-domain (phishing-links): ")
        and lines[2] == "    “https://rd-refund.cc/th”"
    )


def test_no_signs_is_never_called_safe() -> None:
    result = runner.invoke(app, ["check", "ลูกส่งรูปหลานมาให้ดู น่ารักมากเลย ตอนนี้เดินได้แล้ว"])
    assert result.output.startswith("no_signs_found: no known warning sign (this does not mean")
    assert "safe" not in result.output


def test_text_and_image_together_are_refused(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", SCAM, "--image", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "either TEXT" in result.output


def test_a_missing_image_file_is_one_sentence(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--image", str(tmp_path / "nope.png")])
    assert result.exit_code == 2
    assert "Cannot read" in result.output and "Traceback" not in result.output


def test_a_file_that_is_not_an_image_is_explained(tmp_path: Path) -> None:
    if ocr.ocr_problem():
        pytest.skip(f"OCR unavailable here: {ocr.ocr_problem()}")
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    result = runner.invoke(app, ["check", "--image", str(path)])
    assert result.exit_code == 2 and "not an image" in result.output


def test_without_tesseract_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def missing() -> None:
        raise pytesseract.TesseractNotFoundError()

    monkeypatch.setattr(pytesseract, "get_tesseract_version", missing)
    ocr.ocr_problem.cache_clear()
    try:
        path = tmp_path / "shot.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n")
        result = runner.invoke(app, ["check", "--image", str(path)])
    finally:
        ocr.ocr_problem.cache_clear()
    assert result.exit_code == 2
    assert "Tesseract is not installed" in result.output and "tesseract-ocr-tha" in result.output


def test_without_thai_data_the_command_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pytesseract, "get_tesseract_version", lambda: "5.3.0")
    monkeypatch.setattr(pytesseract, "get_languages", lambda config="": ["eng", "osd"])
    ocr.ocr_problem.cache_clear()
    try:
        path = tmp_path / "shot.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n")
        result = runner.invoke(app, ["check", "--image", str(path)])
    finally:
        ocr.ocr_problem.cache_clear()
    assert "Tesseract has no Thai data (tha)" in result.output


def test_a_screenshot_is_read_and_checked(tmp_path: Path) -> None:
    if ocr.ocr_problem():
        pytest.skip(f"OCR unavailable here: {ocr.ocr_problem()}")
    if raqm_problem():
        pytest.skip(f"cannot draw a Thai screenshot: {raqm_problem()}")
    path = tmp_path / "sms.png"
    path.write_bytes(sms_screenshot(SCAM, sender="RD-Thai"))
    result = runner.invoke(app, ["check", "--image", str(path), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    ids = [sign["id"] for sign in printed["signs"]]
    assert printed["verdict"] == "warning"
    # The link wrapped over two lines on the "phone"; it is joined again before it is judged.
    assert {"lookalike-domain", "refund-bait", "urgency"} <= set(ids)
    assert "https://rd-refund.cc/th" in [sign["evidence"] for sign in printed["signs"]]


def test_a_screenshot_of_a_genuine_otp_gets_no_warning(tmp_path: Path) -> None:
    if ocr.ocr_problem():
        pytest.skip(f"OCR unavailable here: {ocr.ocr_problem()}")
    if raqm_problem():
        pytest.skip(f"cannot draw a Thai screenshot: {raqm_problem()}")
    path = tmp_path / "otp.png"
    path.write_bytes(sms_screenshot("รหัส OTP ของคุณคือ 482913 (Ref: KQZT) ห้ามบอกรหัสนี้แก่ผู้อื่น", sender="KBank"))
    result = runner.invoke(app, ["check", "--image", str(path), "--json"])
    assert json.loads(result.output)["verdict"] == "no_signs_found"


def test_a_blank_picture_is_not_a_message(tmp_path: Path) -> None:
    if ocr.ocr_problem():
        pytest.skip(f"OCR unavailable here: {ocr.ocr_problem()}")
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(out, format="PNG")
    path = tmp_path / "blank.png"
    path.write_bytes(out.getvalue())
    result = runner.invoke(app, ["check", "--image", str(path), "--json"])
    assert json.loads(result.output) == {"verdict": "not_a_message", "signs": [], "module": None}
