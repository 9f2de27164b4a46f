"""The `looks-like-scam` classifier beside the check's rules (bot/check/classifier.py): it loads from the
shipped file with no network, gives the same answer every time, scores a clear scam high and an OTP low,
quotes words of the message, and only ever adds its sign where the rules found none."""

from __future__ import annotations

import json
import socket

import pytest

from bot.check import check_text, classifier, default_catalogue, urls
from bot.check.engine import clean, plain

# Invented for these tests (not in the evaluation set): new wording and an unknown link, which no rule
# matches, so only the classifier can warn about it.
ONLY_THE_CLASSIFIER = "โปรพิเศษเดือนนี้ เล่นง่าย ถอนได้จริง กดเลย k9bet.co/vip"
CLEAR_SCAM = "ยินดีด้วย คุณได้รับสิทธิ์กู้เงิน 50,000 บาท ไม่เช็คบูโร อนุมัติไว คลิก bit.ly/3k9Loan"
BANK_OTP = "รหัส OTP ของคุณคือ 123456 (Ref: ABCD) ห้ามบอกรหัสนี้กับผู้อื่น"
BANK_NOTICE = "ธนาคารแจ้ง เงินเข้าบัญชี xx1234 จำนวน 2,000.00 บาท คงเหลือ 5,000.00 บาท"


def score(text: str) -> classifier.Assessment:
    return classifier.assess(clean(text), urls.find_links(plain(text)), default_catalogue())


def test_the_model_loads_from_the_shipped_file_with_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    model = classifier.load_model()
    shipped = json.loads(classifier.MODEL_PATH.read_text(encoding="utf-8"))
    assert model.weights and len(model.weights) == len(shipped["weights"])
    assert 0.0 < model.threshold < 1.0 and model.policy in {"any", "contact"}
    assert shipped["trained_on"]["splits"] == ["dev", "held-out-1", "held-out-2"]
    assert (classifier.MODEL_PATH.parent / "README.md").is_file()  # licence and attribution beside it


def test_the_same_message_always_gets_the_same_score() -> None:
    first, again = score(CLEAR_SCAM), score(CLEAR_SCAM)
    assert first == again
    assert classifier.load_model().probability("x") == classifier.load_model().probability("x")


def test_a_clear_scam_scores_high_and_an_otp_or_bank_notice_low() -> None:
    threshold = classifier.default_model().threshold
    assert score(CLEAR_SCAM).probability >= threshold and score(CLEAR_SCAM).fires
    for genuine in (BANK_OTP, BANK_NOTICE):
        assessment = score(genuine)
        assert assessment.probability < threshold and not assessment.fires and assessment.evidence == ""


def test_a_link_is_read_by_its_kind_not_its_letters() -> None:
    catalogue = default_catalogue()
    text = "ดูบิลที่ https://www.scb.co.th/x หรือ bit.ly/abc หรือ lin.ee/abc หรือ k9bet.co/vip 0812345678"
    normalised = classifier.normalise(clean(text), urls.find_links(plain(text)), catalogue)
    assert normalised.text == (
        f"ดูบิลที่ {classifier.OFFICIAL_LINK} หรือ {classifier.SHORT_LINK} หรือ {classifier.FRIEND_LINK} "
        f"หรือ {classifier.OTHER_LINK} 0000000000"
    )
    assert [clean(text)[start:end] for start, end in normalised.spans][9] == "https://www.scb.co.th/x"


def test_only_the_classifier_warns_and_quotes_words_of_the_message() -> None:
    rules_only = check_text(ONLY_THE_CLASSIFIER, use_classifier=False)
    assert rules_only.verdict == "no_signs_found"
    result = check_text(ONLY_THE_CLASSIFIER)
    assert result.verdict == "warning" and [sign.id for sign in result.signs] == ["looks-like-scam"]
    [sign] = result.signs
    assert sign.module == "stop-think-ask-act" and "คล้ายข้อความหลอกลวง" in sign.text_th
    pieces = sign.evidence.rstrip("…").split(" … ")
    assert pieces and all(piece and piece in clean(ONLY_THE_CLASSIFIER) for piece in pieces)
    assert len(sign.evidence) <= 80


@pytest.mark.parametrize(
    "message",
    [
        CLEAR_SCAM,
        ONLY_THE_CLASSIFIER,
        BANK_OTP,
        "แม่ครับ ผมเปลี่ยนไลน์ใหม่ ขอยืมเงิน 5,000 ก่อน โอนเข้าบัญชีเพื่อนผมนะ",
        "ยินดีด้วย คุณได้รับเงินคืนภาษี 3,200 บาท กดรับที่ https://rd-refund.cc/th ภายในวันนี้",
    ],
)
def test_the_classifier_speaks_only_where_the_rules_found_nothing(message: str) -> None:
    rules = check_text(message, use_classifier=False)
    both = check_text(message)
    if rules.signs:
        assert both == rules  # the rules' signs and lesson, untouched
    else:
        assert [sign.id for sign in both.signs] in ([], ["looks-like-scam"])
        assert both.verdict in {rules.verdict, "warning"}


def test_greetings_and_bare_links_are_left_to_the_rules() -> None:
    assert check_text("สวัสดีค่ะ").verdict == "not_a_message"
    assert [sign.id for sign in check_text("https://bit.ly/3xYzAb").signs] == ["link-shortener"]
