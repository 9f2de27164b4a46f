"""The check engine behind "ส่งมาให้รู้ทันดู" and `ruthan check`: signs found in a forwarded message, and the
Thai answer. Each test is a message a learner might forward, and what Ruthan should point at."""

from __future__ import annotations

import importlib
import socket
from pathlib import Path

import idna
import pytest

from bot.check import CatalogueError, check_text, combine, default_catalogue, load_catalogue, reply_messages
from bot.check.catalogue import CONTENT_ROOT


def sign_ids(text: str) -> list[str]:
    return [sign.id for sign in check_text(text).signs]


def evidence(text: str, sign_id: str) -> str:
    return next(sign.evidence for sign in check_text(text).signs if sign.id == sign_id)


# --- links ------------------------------------------------------------------------------------------------


def test_suffix_list_is_the_bundled_one_with_no_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """tldextract is built with suffix_list_urls=() and no cache: with sockets refused it still parses."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the check engine tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "cache"))
    import bot.check.urls as urls

    fresh = importlib.reload(urls)  # a new TLDExtract, loading its suffix list now, under the refusal
    try:
        [link] = fresh.find_links("โปรดยืนยันที่ https://secure.kbank-th.co.th.example.co.uk/login ค่ะ")
        assert (link.registrable, link.subdomain) == ("example.co.uk", "secure.kbank-th.co.th")
        assert fresh.find_links("ราคา 3.20 บาท") == []
    finally:
        importlib.reload(urls)
    assert list(tmp_path.iterdir()) == []  # nothing cached on disk either


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("K PLUS แจ้งบัญชีของท่านถูกระงับ กรุณายืนยันที่ https://kbank-th.co/verify", "https://kbank-th.co/verify"),
        ("SCB EASY มีการเข้าสู่ระบบผิดปกติ ตรวจสอบที่ scb-easy.net", "scb-easy.net"),
        ("พัสดุของคุณรอจัดส่ง ติดตามที่ thaipost-th.com/track", "thaipost-th.com/track"),
        ("ยืนยันบัญชีที่ www.kasikornbnk.com ค่ะ", "www.kasikornbnk.com"),
        ("ติดต่อ https://ktb-netbank.com.secure-login.top/th", "https://ktb-netbank.com.secure-login.top/th"),
    ],
)
def test_look_alike_domains_of_thai_firms_are_quoted(message: str, shown: str) -> None:
    assert evidence(message, "lookalike-domain") == shown


@pytest.mark.parametrize(
    "message",
    [
        "https://www.scb.co.th/th/personal-banking.html",
        "ติดตามพัสดุที่ https://th.kerryexpress.com/th/track/?track=KEX123 ค่ะ",
        "จ่ายบิลผ่าน https://www.ais.th/consumers/package ได้เลย",
        "บัตรของท่านพร้อมใช้งาน ดูที่ link.scb/abc",
    ],
)
def test_official_domains_are_not_look_alikes(message: str) -> None:
    assert "lookalike-domain" not in sign_ids(message)
    assert "brand-mismatch" not in sign_ids(message)


def test_punycode_host_with_cyrillic_letters_is_decoded_and_flagged() -> None:
    host = idna.encode("kbаnk.com").decode()  # the second letter a is Cyrillic
    assert host.startswith("xn--")
    ids = sign_ids(f"ยืนยันตัวตนที่ https://{host}/login")
    assert "idn-domain" in ids and "lookalike-domain" in ids
    assert "kbаnk.com" in evidence(f"https://{host}/login", "idn-domain")


def test_thai_script_domains_are_not_flagged_for_their_alphabet() -> None:
    assert "idn-domain" not in sign_ids("ข่าวจากเว็บ https://ตัวอย่าง.ไทย/ข่าว วันนี้")


def test_a_shortened_link_alone_is_a_sign_but_a_carrier_bill_with_one_is_not() -> None:
    assert sign_ids("bit.ly/3kw7mul") == ["link-shortener"]
    bill = "บิลทรูมูฟ เอช ยอดรวม 426.93 บ. กำหนดชำระ 15/08 ดูบิล จ่ายบิล ที่ bit.ly/iservbill"
    assert check_text(bill).verdict == "no_signs_found"
    assert "link-shortener" in sign_ids("บัญชีของคุณถูกระงับ ตรวจสอบด่วน bit.ly/3abcd")


@pytest.mark.parametrize(
    ("message", "sign"),
    [
        ("ลงแอปรับเงินที่ https://tang-rat.app/download/paotang.apk", "apk-link"),
        ("ติดตั้งที่ https://rd-gov.info/th/profile.mobileconfig", "ios-profile"),
        ("สนใจทักแอดมิน https://lin.ee/Ab12CdE", "add-friend-link"),
        ("ติดต่อเจ้าหน้าที่ line.me/ti/p/~refund99", "add-friend-link"),
        ("คุยต่อที่ https://line.me/R/ti/p/@loan-fast", "add-friend-link"),
        ("ลุ้นรับค่าโทรฟรี กด *498*4# สมัครรหัสรวยโชค (10บ/วัน)", "ussd-code"),
    ],
)
def test_link_and_code_kinds(message: str, sign: str) -> None:
    assert sign in sign_ids(message)


def test_a_carriers_balance_code_is_not_a_subscription() -> None:
    assert "ussd-code" not in sign_ids("เช็กยอดเงินคงเหลือ กด *121# โทรออก ฟรี")


# --- words ------------------------------------------------------------------------------------------------


def test_asking_for_an_otp_is_a_sign_but_a_genuine_otp_is_not() -> None:
    assert evidence("เจ้าหน้าที่จะคืนเงินให้ รบกวนแจ้งรหัส OTP ที่ได้รับนะคะ", "otp-request") == "แจ้งรหัส otp"
    genuine = "รหัส OTP ของคุณคือ 482913 (Ref: KQZT) ห้ามบอกรหัส OTP นี้แก่ผู้อื่น อย่าบอกใคร"
    assert check_text(genuine).verdict == "no_signs_found"


@pytest.mark.parametrize(
    ("message", "sign", "quoted"),
    [
        ("ช่วยถ่ายรูปบัตรประชาชนกับเซลฟี่คู่บัตรส่งมาค่ะ", "id-card-request", "ถ่ายรูปบัตรประชาชน"),
        ("ให้บอกเลขหลังบัตรกับรหัส PIN เพื่อยกเลิกรายการ", "pin-request", "เลขหลังบัตร"),
        ("ต้องโอนเงินไปตรวจสอบที่บัญชีเจ้าหน้าที่ก่อน", "transfer-request", "โอนเงินไปตรวจสอบ"),
        ("บัญชีของท่านพัวพันคดีฟอกเงิน จะถูกดำเนินคดี", "threat", "พัวพัน"),
        ("คุณมีค่าไฟค้าง จะระงับบัญชีผู้ใช้ไฟ", "threat", "ระงับบัญชี"),
        ("เรื่องนี้เป็นความลับทางคดี ห้ามบอกลูกหลาน", "secrecy", "ห้ามบอกลูก"),
        ("โหลด AnyDesk แล้วบอกเลข 9 หลักให้เจ้าหน้าที่", "remote-access-app", "anydesk"),
        ("ให้โหลดแอปกรมที่ดินเพื่ออัปเดตโฉนด", "remote-access-app", "แอปกรมที่ดิน"),
        ("งานออนไลน์รายได้ดี วันละ 3,000 บาท ทักเลย", "job-bait", "งานออนไลน์"),
        ("แพลตฟอร์มทองคำ กำไรวันละ 5% การันตี", "investment-bait", "กำไรวันละ 5%"),
        ("เว็บตรงสล็อตแตกง่าย ฝาก 50 รับ 150", "gambling-bait", "เว็บตรง"),
        ("แม่ครับ ผมเปลี่ยนไลน์ใหม่นะ", "family-impersonation", "เปลี่ยนไลน์ใหม่"),
        ("ลูกค้าสแกน QR นี้เพื่อรับเงินคืนได้เลยค่ะ", "scan-to-receive", "สแกน qr นี้เพื่อรับ"),
    ],
)
def test_word_signs_quote_the_words(message: str, sign: str, quoted: str) -> None:
    assert evidence(message, sign) == quoted


def test_bait_and_authorities_need_a_push_to_count() -> None:
    """A genuine PEA notice names การไฟฟ้า; a fake one also threatens or links elsewhere."""
    notice = "การไฟฟ้าส่วนภูมิภาค แจ้งดับไฟชั่วคราว วันที่ 9 ธ.ค. เวลา 08.30-16.00 น."
    assert check_text(notice).verdict == "no_signs_found"
    fake = "การไฟฟ้าส่วนภูมิภาค คุณมีค่าไฟค้างชำระ จะถูกงดจ่ายไฟ ชำระที่ https://pea-bill.online"
    assert {"authority", "threat", "brand-mismatch"} <= set(sign_ids(fake))
    assert sign_ids("เงินกู้อนุมัติไว ไม่เช็คบูโร") == ["loan-bait"]
    assert "refund-bait" in sign_ids("คืนภาษี 3,200 บาท กดรับที่ https://rd-refund.cc/th")
    assert "refund-bait" not in sign_ids("กรมสรรพากรเริ่มคืนภาษีเข้าพร้อมเพย์แล้ว ตรวจสอบในแอปของกรมเอง")


@pytest.mark.parametrize("typed", ["สวัสดีค่ะ", "เมนู", "อันนี้หลอกไหม", "ช่วยดูให้หน่อย", "ok", "👍"])
def test_greetings_and_commands_are_not_messages(typed: str) -> None:
    assert check_text(typed).verdict == "not_a_message"


def test_a_long_genuine_message_has_no_known_signs() -> None:
    message = "ธนาคารจะปิดปรับปรุงระบบ SCB EASY วันอาทิตย์ 7 ธ.ค. เวลา 00.00-04.00 น. ขออภัยในความไม่สะดวก"
    result = check_text(message)
    assert (result.verdict, result.signs, result.module) == ("no_signs_found", [], "stop-think-ask-act")


def test_the_first_sign_decides_the_lesson() -> None:
    result = check_text("แม่ครับ ผมเปลี่ยนไลน์ใหม่ ขอยืมเงิน 5,000 ก่อน โอนเข้าบัญชีเพื่อนผมนะ")
    assert [sign.id for sign in result.signs][:2] == ["family-impersonation", "transfer-request"]
    assert result.module == "line-takeover"


def test_invisible_characters_and_thai_digits_do_not_hide_signs() -> None:
    hidden = "ภาย\u200bใน\u200dวันนี้ ยืนยัน\ufeffตัวตน https://kbank-th.co ยอด ๕,๐๐๐ บาท"
    assert {"urgency", "lookalike-domain", "account-verify"} <= set(sign_ids(hidden))


def test_three_forwards_in_a_row_get_one_answer() -> None:
    forwards = [
        "สวัสดีค่ะ",
        "แม่ครับ ผมเปลี่ยนไลน์ใหม่นะ",
        "ขอยืมเงิน 5,000 ก่อน โอนเข้าบัญชีเพื่อนผมนะ ด่วนเลย ภายในวันนี้ https://lin.ee/Ab12CdE",
    ]
    together = combine([check_text(text) for text in forwards])
    assert together.verdict == "warning" and together.module == "line-takeover"
    ids = [sign.id for sign in together.signs]
    assert ids[0] == "family-impersonation" and len(ids) == len(set(ids))
    assert {"transfer-request", "add-friend-link"} <= set(ids)
    assert combine([check_text("สวัสดีค่ะ"), check_text("เมนู")]).verdict == "not_a_message"
    genuine = [check_text("สวัสดีค่ะ"), check_text("พรุ่งนี้ประชุมหมู่บ้านตอนบ่ายสองที่ศาลาวัดนะครับ เรื่องงบซ่อมถนน")]
    assert combine(genuine).verdict == "no_signs_found"


# --- the answer ---------------------------------------------------------------------------------------------


def _all_text(messages: list[dict]) -> str:
    return repr(messages)


@pytest.mark.parametrize("audience", ["student", "general", "elderly"])
@pytest.mark.parametrize(
    "message",
    [
        "ยินดีด้วย คุณได้รับเงินคืนภาษี 3,200 บาท กดรับที่ https://rd-refund.cc/th ภายในวันนี้",
        "รหัส OTP ของคุณคือ 482913 ห้ามบอกรหัสนี้แก่ผู้อื่น",
        "สวัสดีค่ะ",
    ],
)
def test_the_answer_never_says_safe(message: str, audience: str) -> None:
    messages = reply_messages(check_text(message), audience)
    assert messages and "ปลอดภัย" not in _all_text(messages)


def test_a_warning_quotes_each_sign_and_says_what_to_do() -> None:
    result = check_text("ยินดีด้วย คุณได้รับเงินคืนภาษี 3,200 บาท กดรับที่ https://rd-refund.cc/th ภายในวันนี้")
    first, then = reply_messages(result, "general")
    assert first["type"] == "text" and first["text"].startswith("⚠️ พบสัญญาณเตือน 4 อย่างค่ะ")
    for sign in result.signs:
        assert sign.text_th in first["text"] and f"“{sign.evidence}”" in first["text"]
    assert "อย่ากดลิงก์ อย่าโอนเงิน อย่าบอกรหัส" in then["text"] and "1441" in then["text"]


def test_elderly_learners_get_large_type_and_at_most_three_signs() -> None:
    result = check_text("ยินดีด้วย คุณได้รับเงินคืนภาษี 3,200 บาท กดรับที่ https://rd-refund.cc/th ภายในวันนี้")
    first, then = reply_messages(result, "elderly")
    assert first["type"] == "flex" and then["type"] == "flex"
    assert first["altText"].count("ตรงที่เขียนว่า") == 3 and "และอีก 1 อย่างค่ะ" in first["altText"]
    sizes = {node["size"] for node in first["contents"]["body"]["contents"]}
    assert "xl" in sizes


def test_no_signs_says_how_to_check_anyway() -> None:
    [answer] = reply_messages(check_text("ลูกส่งรูปหลานมาให้ดู น่ารักมากเลย ตอนนี้เดินได้แล้ว"), "general")
    assert "ไม่พบสัญญาณเตือนที่รู้ทันรู้จัก" in answer["text"] and "โทรหาเบอร์ทางการที่หาเอง" in answer["text"]


# --- the content ------------------------------------------------------------------------------------------


def test_every_sign_points_at_a_real_module_and_every_domain_has_a_source() -> None:
    catalogue = load_catalogue(CONTENT_ROOT)
    modules = {path.stem for path in (CONTENT_ROOT / "curriculum" / "modules").glob("*.yaml")}
    assert {sign.module for sign in catalogue.signs} <= modules
    assert {sign.elderly_module for sign in catalogue.signs} <= modules
    assert all(sign.elderly_module.startswith("elderly-") for sign in catalogue.signs)
    for org in catalogue.organisations:
        assert org.source.startswith("https://") and org.checked.year >= 2026
    assert catalogue is not default_catalogue() and len(catalogue.signs) == len(default_catalogue().signs)


def test_a_broken_signs_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    (tmp_path / "curriculum" / "modules").mkdir(parents=True)
    (tmp_path / "curriculum" / "modules" / "phishing-links.yaml").write_text("id: phishing-links\n")
    (tmp_path / "curriculum" / "official-domains.yaml").write_text(
        (CONTENT_ROOT / "curriculum" / "official-domains.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "curriculum" / "signs.yaml").write_text(
        "signs:\n"
        "  - id: otp-request\n"
        "    text_th: ข้อความนี้ขอรหัส OTP ค่ะ ห้ามบอกใคร\n"
        "    module: no-such-module\n"
        "    elderly_module: phishing-links\n"
        "    trigger: {patterns: ['otp'], requires_any: [no-such-sign]}\n"
        "shorteners: [bit.ly]\nadd_friend: ['lin\\.ee/']\nline_id: 'line id'\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(tmp_path)
    assert raised.value.problems == [
        "curriculum/signs.yaml: signs.0.module: no module with id 'no-such-module'",
        "curriculum/signs.yaml: signs.0.trigger.requires_any: no sign with id 'no-such-sign'",
    ]


# Kinds of bait and requests added in the third round of rules (issue 16, recall on fresh data). The messages
# are written for this test (invented names, numbers and links); each was missed by the earlier rules.
@pytest.mark.parametrize(
    ("message", "sign", "quoted"),
    [
        ("คุณมีสิทธิ์กู้เงินสูงสุด 50,000 บาท ดอกเบี้ยต่ำ https://kuu-ngern.xyz/a", "loan-bait", "สิทธิ์กู้"),
        ("รับสมัครคนช่วยกดรีวิวร้านอาหาร ค่าจ้างรีวิวละ 80 บาท ทักแชทเลย", "job-bait", "รับสมัครคน"),
        ("ทำงาน part-time จากที่บ้าน จ่ายทุกวัน สนใจติดต่อ", "job-bait", "part-time"),
        ("ทำง่าย ๆ ได้ 2,500 บาท/วัน ติดต่อแอดมิน", "job-bait", "2,500 บาท/วัน"),
        ("สมาชิกใหม่รับโบนัส 100% เล่นได้ทุกเกม https://win99x.bet/r", "gambling-bait", "สมาชิกใหม่รับโบนัส"),
        ("เติม 100 ได้เพิ่มอีก 300 กดเลย https://win99x.bet/r", "gambling-bait", "เติม 100 ได้เพิ่มอีก 300"),
        ("ลุ้นรับทุนช่วยเหลือ 5,000 บาท สมัครที่ https://tun-help.top/x", "refund-bait", "ทุนช่วยเหลือ"),
        ("ร่วมชิงโชคมือถือรุ่นใหม่ เพียงกรอกชื่อที่ https://chok-dee.xyz/p", "prize-bait", "ชิงโชค"),
        ("คุณได้รับหูฟังไร้สายฟรี 1 ชิ้น กดที่ https://free-gift.top/q", "prize-bait", "ได้รับหูฟังไร้สายฟรี"),
        ("ร่วมทำบุญสร้างโบสถ์ โอนได้ทุกวันที่บัญชี 123-4-56789-0", "transfer-request", "โอนได้ทุกวันที่บัญชี 123-4-56789-0"),
        ("มีคนเอาชื่อคุณไปเปิดบัญชี ต้องย้ายเงินไปไว้บัญชีปลอดภัยก่อน", "transfer-request", "ย้ายเงินไปไว้บัญชี"),
        ("แม่จ๋า ไลน์เก่าหนูเข้าไม่ได้ หนูขอยืมเงินห้าพันก่อนนะ", "family-impersonation", "ไลน์เก่าหนูเข้าไม่ได้"),
        ("แม่จ๋า ไลน์เก่าหนูเข้าไม่ได้ หนูขอยืมเงินห้าพันก่อนนะ", "transfer-request", "ขอยืมเงินห้าพันก่อน"),
        ("บัญชีของคุณมีปัญหา โปรดป้อนรหัสผ่านที่ https://acc-fix.top/l", "account-verify", "ป้อนรหัส"),
        ("ค่าบริการค้างอยู่ หากไม่ชำระจะดำเนินการตามทางกฎหมาย", "threat", "ดำเนินการตามทางกฎหมาย"),
    ],
)
def test_third_round_kinds_of_bait_and_requests(message: str, sign: str, quoted: str) -> None:
    assert evidence(message, sign) == quoted


@pytest.mark.parametrize(
    "message",
    [
        "ผมเปลี่ยนไลน์เป็นบัญชีธุรกิจแล้วครับ ส่วนลูกค้าเก่าติดต่อที่ร้านได้ตามปกติ",
        "คุณมียอดคงเหลือ 5.0 บ. ยืมโทร 25 นาที กด*919*12# ระบบจะหักค่าบริการเมื่อเติมเงินครั้งถัดไป",
        "ขอบคุณที่ชำระค่าบริการ 599.00 บาท ผ่านบัญชี xxx-x-x1234-x เรียบร้อยแล้ว",
        "รหัส OTP ของคุณคือ 662190 ห้ามบอกรหัสนี้กับใคร ใส่รหัสในแอปภายใน 5 นาที",
    ],
)
def test_third_round_rules_leave_genuine_notices_alone(message: str) -> None:
    assert check_text(message).verdict == "no_signs_found", sign_ids(message)
