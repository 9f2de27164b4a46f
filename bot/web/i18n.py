"""The dashboard's words, Thai first with English beside them. Learner-facing text lives in bot/flow/texts.py.

Keys are short English identifiers; `Translator` falls back to Thai, then to the key, so a missing
translation shows something readable (tests check every key has both).
"""

from __future__ import annotations

from fastapi import Request

LANG_COOKIE = "lang"

STRINGS: dict[str, tuple[str, str]] = {
    # Shared
    "app_name": ("รู้ทัน", "Ruthan"),
    "switch_language": ("English", "ภาษาไทย"),
    "sign_out": ("ออกจากระบบ", "Sign out"),
    "save": ("บันทึก", "Save"),
    "cancel": ("ยกเลิก", "Cancel"),
    "back": ("กลับ", "Back"),
    # Simulator
    "sim_title": ("ลองคุยกับรู้ทัน", "Try Ruthan"),
    "sim_intro": (
        'หน้านี้จำลองแชต LINE กับ "รู้ทัน" ลองเรียนได้เลยโดยไม่ต้องมี LINE ข้อความและความคืบหน้าเก็บเหมือนผู้เรียนจริง',
        "A LINE chat with Ruthan in the browser: no LINE needed. Progress is kept like a real learner's.",
    ),
    "sim_placeholder": ("พิมพ์ข้อความ…", "Type a message…"),
    "sim_send": ("ส่ง", "Send"),
    "sim_new_learner": ("เริ่มใหม่เป็นผู้เรียนคนใหม่", "Start over as a new learner"),
    "sim_learner": ("ผู้เรียนจำลอง", "Simulated learner"),
    "sim_menu": ("เมนู", "Menu"),
    "sim_closed": (
        "หน้าจำลองปิดอยู่ (ตั้งค่า SIMULATOR)",
        "The simulator is switched off (setting SIMULATOR).",
    ),
}


def language_of(request: Request) -> str:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return "en" if chosen == "en" else "th"


class Translator:
    def __init__(self, lang: str):
        self.lang = lang
        self._index = 1 if lang == "en" else 0

    def __call__(self, key: str, **values: object) -> str:
        pair = STRINGS.get(key)
        text = (pair[self._index] or pair[0]) if pair else key
        return text.format(**values) if values else text
