"""Classes against probing: groups link only with the trainer's approval, codes cannot be guessed quickly,
and children waiting for a parent's consent are not members yet."""

from __future__ import annotations

import re

import pytest

from bot.clock import FrozenClock
from bot.settings import Settings
from bot.storage.db import make_engine, session_scope, upgrade
from bot.storage.trainers import ClassGroup, ClassMember, Classroom, Trainer
from bot.trainers import classes
from bot.trainers.classes import CODE_MAX_FAILURES, MAX_GROUPS_PER_CLASS
from tests.harness import BotUnderTest, text_event, user_id
from tests.test_admin_pages import browser_sign_in
from tests.test_classes import GROUP, groups_of, learners_seen, preview_groups, teacher_with_class
from tests.test_learning_loop import rows
from tests.trainer_support import make_trainer, new_class, sign_in, tbot

__all__ = ["tbot"]
WRONG_CODES = ("ZZZ2", "ZZZ3", "ZZZ4", "ZZZ5", "ZZZ6", "ZZZ7")


def in_group(group_id: str, member: str, message: str) -> dict:
    return text_event("x", message) | {
        "source": {"type": "group", "groupId": group_id, "userId": user_id(member)}
    }


# ----- item 1: groups ask, trainers approve -----------------------------------------------------------------


async def test_join_words_in_a_group_point_to_the_private_chat_and_link_nothing(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    reply = await tbot.send(in_group(GROUP["groupId"], "member", f"เข้าห้อง {classroom['code']}"))
    assert "เพิ่มเพื่อน" in reply.text and f"เชื่อมห้อง {classroom['code']}" in reply.text
    assert "ชมรมผู้สูงอายุ" not in reply.text
    assert await groups_of(tbot, headers, classroom["id"]) == []


async def test_strangers_groups_take_none_of_the_class_places(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    strangers = [in_group(f"C{n:032d}", "stranger", f"เชื่อมห้อง {classroom['code']}") for n in range(20)]
    await tbot.send(*strangers)
    mine = await tbot.send(text_event("x", f"เชื่อมห้อง {classroom['code']}") | {"source": GROUP})
    assert "ส่งคำขอ" in mine.text  # the class is not "full" of strangers
    waiting = await groups_of(tbot, headers, classroom["id"])
    assert len(waiting) == MAX_GROUPS_PER_CLASS + 1 and all(g["approved_at"] is None for g in waiting)
    assert await preview_groups(tbot, headers, classroom["id"]) == 0  # strangers get no announcement
    [own] = [g for g in waiting if g["group_id"] == GROUP["groupId"]]
    approved = await tbot.http.post(
        f"/api/v1/classes/{classroom['id']}/groups/{own['id']}/approve", headers=headers
    )
    assert approved.status_code == 200
    assert await preview_groups(tbot, headers, classroom["id"]) == 1


async def test_the_trainer_approves_and_rejects_requests_on_the_class_page(tbot: BotUnderTest) -> None:
    make_trainer(tbot, "somsri", name="ครูสมศรี")
    classroom = await new_class(tbot, await sign_in(tbot, "somsri"))
    stranger = "C" + "9" * 32
    tbot.line.group_sizes[GROUP["groupId"]] = 12
    await tbot.send(text_event("x", f"เชื่อมห้อง {classroom['code']}") | {"source": GROUP})
    await tbot.send(in_group(stranger, "stranger", f"เชื่อมห้อง {classroom['code']}"))
    csrf = await browser_sign_in(tbot, "somsri")
    page = await tbot.http.get(f"/admin/classes/{classroom['id']}")
    pending = page.text[page.text.index('id="pending-groups"') :]
    assert "รออนุมัติ" in pending and "สมาชิก 12 คน" in pending and "ไม่ทราบจำนวนสมาชิก" in pending
    forms = re.findall(r'action="(/admin/classes/\d+/groups/\d+/(?:approve|remove))"', pending)
    approve_mine, _, _, reject_theirs = forms
    approved = await tbot.http.post(approve_mine, data={"csrf": csrf})
    assert approved.status_code == 303 and "ok=group_approved" in approved.headers["location"]
    rejected = await tbot.http.post(reject_theirs, data={"csrf": csrf})
    assert "ok=group_rejected" in rejected.headers["location"]
    [linked] = rows(tbot, ClassGroup)
    assert linked.group_id == GROUP["groupId"] and linked.approved_at is not None
    page = await tbot.http.get(f"/admin/classes/{classroom['id']}")
    assert 'id="pending-groups"' not in page.text and "เลิกส่งเข้ากลุ่มนี้" in page.text
    audit = await tbot.http.get("/admin/audit")
    assert "Approved a LINE group" in audit.text and "Rejected a LINE group" in audit.text


async def test_another_trainer_cannot_approve_a_group_for_my_class(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    await tbot.send(text_event("x", f"เชื่อมห้อง {classroom['code']}") | {"source": GROUP})
    [pending] = await groups_of(tbot, headers, classroom["id"])
    make_trainer(tbot, "intruder")
    theirs = await sign_in(tbot, "intruder")
    url = f"/api/v1/classes/{classroom['id']}/groups/{pending['id']}/approve"
    assert (await tbot.http.post(url, headers=theirs)).status_code == 404
    assert (await groups_of(tbot, headers, classroom["id"]))[0]["approved_at"] is None


# ----- item 7: codes cannot be guessed quickly --------------------------------------------------------------


async def test_guessing_codes_makes_a_new_friend_wait_even_after_a_restart(tbot: BotUnderTest) -> None:
    _, classroom = await teacher_with_class(tbot)
    user = user_id("guesser")
    for code in WRONG_CODES[:CODE_MAX_FAILURES]:
        missed = await tbot.say(user, f"เข้าห้อง {code}")
        assert f"ไม่พบห้องรหัส {code}" in missed.text
    right = await tbot.say(user, f"เข้าห้อง {classroom['code']}")
    assert "ลองใหม่ได้ในอีก 15 นาที" in right.text and "ถูกต้อง" not in right.text
    await tbot.restart()  # the count is in the database, not in one process's memory
    still = await tbot.say(user, f"เข้าห้อง {classroom['code']}")
    assert "ลองใหม่ได้ในอีก 15 นาที" in still.text
    assert rows(tbot, ClassMember) == []
    tbot.clock.advance(minutes=15)
    later = await tbot.say(user, f"เข้าห้อง {classroom['code']}")
    assert "ถูกต้อง" in later.text and len(rows(tbot, ClassMember)) == 1


async def test_guessing_codes_in_a_group_makes_the_group_and_the_guesser_wait(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    group = GROUP["groupId"]
    for index, code in enumerate(WRONG_CODES[:CODE_MAX_FAILURES]):  # several members, one group
        missed = await tbot.send(in_group(group, f"member-{index}", f"เชื่อมห้อง {code}"))
        assert f"ไม่พบห้องรหัส {code}" in missed.text
    right = await tbot.send(in_group(group, "teacher", f"เชื่อมห้อง {classroom['code']}"))
    assert "ลองใหม่ได้ในอีก 15 นาที" in right.text
    for code in WRONG_CODES[:CODE_MAX_FAILURES]:  # one member, several groups
        await tbot.send(in_group(f"C{code:0>32}", "roamer", f"เชื่อมห้อง {code}"))
    elsewhere = await tbot.send(in_group("C" + "6" * 32, "roamer", f"เชื่อมห้อง {classroom['code']}"))
    assert "ลองใหม่ได้ในอีก" in elsewhere.text
    assert await groups_of(tbot, headers, classroom["id"]) == []
    tbot.clock.advance(minutes=15)
    asked = await tbot.send(in_group(group, "teacher", f"เชื่อมห้อง {classroom['code']}"))
    assert "ส่งคำขอ" in asked.text


# ----- item 14: children waiting for a parent ---------------------------------------------------------------


async def assert_not_a_member(bot: BotUnderTest, headers: dict[str, str], class_id: int) -> None:
    """The trainer sees no learner in the class, counts none, and an announcement would reach none."""
    assert await learners_seen(bot, headers, class_id) == []
    listed = (await bot.http.get("/api/v1/classes", headers=headers)).json()
    assert [c["members"] for c in listed if c["id"] == class_id] == [0]
    draft = {"class_ids": [class_id], "body": "นัดเรียน"}
    preview = await bot.http.post("/api/v1/announcements/preview", json=draft, headers=headers)
    assert preview.json()["learners"] == 0


async def test_a_child_waiting_for_a_parent_joins_the_class_only_when_the_parent_agrees(
    tbot: BotUnderTest,
) -> None:
    headers, classroom = await teacher_with_class(tbot)
    child = user_id("child")
    welcome = await tbot.follow(child)
    track = await tbot.tap(child, await tbot.tap(child, welcome, "ยินยอม"), "นักเรียน")
    asked = await tbot.tap(child, track, "ต่ำกว่า 10 ปี")
    typed = await tbot.say(child, f"เข้าห้อง {classroom['code']} น้องเอ")
    assert "ผู้ปกครองยินยอม" in typed.texts[0] and "ชมรมผู้สูงอายุ" not in typed.text
    await assert_not_a_member(tbot, headers, classroom["id"])
    detour = await tbot.say(child, "ตั้งเวลาเตือน")  # a detour from the parent's question
    await assert_not_a_member(tbot, headers, classroom["id"])
    await tbot.tap(child, detour, "เย็น 19:00")  # back to waiting for the parent
    await assert_not_a_member(tbot, headers, classroom["id"])
    agreed = await tbot.press(child, asked.button("ผู้ปกครองยินยอม"))
    assert 'อยู่ในห้อง "ชมรมผู้สูงอายุ" ของ ครูสมศรี แล้ว' in agreed.texts[0]
    assert [row["name"] for row in await learners_seen(tbot, headers, classroom["id"])] == ["น้องเอ"]


def test_approving_stops_at_the_class_places_however_many_groups_ask(sqlite_url: str) -> None:
    url = Settings(database_url=sqlite_url).sqlalchemy_url
    upgrade(url)
    engine = make_engine(url)
    now = FrozenClock().now()
    try:
        with session_scope(engine) as session:
            owner = Trainer(username="kru", display_name="ครู", password_hash="x", created_at=now)
            session.add(owner)
            session.flush()
            classroom = Classroom(name="ห้อง", code="4K7Q", owner_id=owner.id or 0, created_at=now)
            session.add(classroom)
            session.flush()
            asked = [
                classes.request_group(session, classroom=classroom, group_id=f"C{n:032d}", now=now)
                for n in range(MAX_GROUPS_PER_CLASS + 1)
            ]
            assert set(asked) == {classes.GroupRequest.PENDING}
            for row in classes.groups_of(session, classroom.id or 0)[:MAX_GROUPS_PER_CLASS]:
                classes.approve_group(session, classroom=classroom, group_row=row.id or 0, now=now)
            last = classes.groups_of(session, classroom.id or 0)[-1]
            with pytest.raises(classes.ClassFull):
                classes.approve_group(session, classroom=classroom, group_row=last.id or 0, now=now)
            again = classes.request_group(session, classroom=classroom, group_id="C" + "1" * 32, now=now)
            assert again is classes.GroupRequest.FULL
    finally:
        engine.dispose()
