"""The pages' words: every key the templates use exists, in Thai and in English."""

from __future__ import annotations

import re

from bot.storage.trainers import Role
from bot.trainers.announcements import DELIVERY_STATES
from bot.web import TEMPLATES_DIR
from bot.web.i18n import STRINGS, Translator
from tests.harness import BotUnderTest
from tests.trainer_support import make_trainer, sign_in, tbot

__all__ = ["tbot"]


def test_every_key_has_thai_and_english() -> None:
    for key, (thai, english) in STRINGS.items():
        assert thai.strip() and english.strip(), key
        assert set(re.findall(r"{(\w+)}", thai)) == set(re.findall(r"{(\w+)}", english)), key


def test_every_key_the_templates_use_exists() -> None:
    used: set[str] = set()
    for template in TEMPLATES_DIR.glob("*.html"):
        found = re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", template.read_text())
        used |= {key for key in found if not key.endswith("_")}  # "ann_state_" ~ value: added below
    used |= {f"ann_state_{state}" for state in DELIVERY_STATES}
    used |= {f"role_{role.value}" for role in Role}
    assert sorted(used - set(STRINGS)) == []


def test_translator_falls_back_to_the_key() -> None:
    assert Translator("en")("no_such_key") == "no_such_key"
    assert Translator("th")("ann_learners", n=3) == "ผู้เรียน 3 คน"


async def test_a_signed_in_trainer_may_use_the_simulator_once_line_is_on(tbot: BotUnderTest) -> None:
    tbot.overrides["simulator"] = "trainers"
    await tbot.restart()
    assert (await tbot.http.post("/simulator/api/start", json={})).status_code == 401
    make_trainer(tbot, "kru")
    headers = await sign_in(tbot, "kru")
    assert (await tbot.http.post("/simulator/api/start", json={}, headers=headers)).status_code == 200
