"""Classes in conversation: learners join by code, trainers link LINE groups, the dashboard counts."""

from __future__ import annotations

from typing import Any

from bot.storage.trainers import ClassMember
from bot.trainers.classes import links, read_join
from tests.harness import BotUnderTest, event, text_event, user_id
from tests.test_learning_loop import onboard, rows
from tests.trainer_support import make_trainer, new_class, sign_in, tbot

__all__ = ["tbot"]
GROUP = {"type": "group", "groupId": "C" + "7" * 32, "userId": user_id("teacher-in-group")}


async def teacher_with_class(
    bot: BotUnderTest, name: str = "ชมรมผู้สูงอายุ"
) -> tuple[dict[str, str], dict[str, Any]]:
    make_trainer(bot, "somsri", name="ครูสมศรี")
    headers = await sign_in(bot, "somsri")
    return headers, await new_class(bot, headers, name)


async def learners_seen(bot: BotUnderTest, headers: dict[str, str], class_id: int) -> list[dict[str, Any]]:
    response = await bot.http.get(f"/api/v1/classes/{class_id}/learners", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_learner_joins_by_typing_the_code_with_a_nickname(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    user = user_id("lamai")
    await onboard(tbot, user, "ผู้สูงอายุ")
    joined = await tbot.say(user, f"เข้าห้อง {classroom['code'].lower()} ป้าละไม ค่ะ")
    assert "ชมรมผู้สูงอายุ" in joined.texts[0] and "ครูสมศรี" in joined.texts[0] and '"ป้าละไม"' in joined.texts[0]
    assert f"ออกจากห้อง {classroom['code']}" in joined.texts[0]
    assert "ต่อไป" in joined.labels  # and the lesson card is shown again, to carry on
    seen = await learners_seen(tbot, headers, classroom["id"])
    assert [(row["name"], row["track"]) for row in seen] == [("ป้าละไม", "ผู้สูงอายุ")]


async def test_a_new_friend_who_types_the_code_first_joins_once_they_consent(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    user = user_id("first-contact")
    first = await tbot.say(user, f"เข้าห้อง {classroom['code']}")
    assert "ยินดีต้อนรับ" in first.texts[0] and "ถูกต้อง" in first.texts[1] and "ลบข้อมูลของฉัน" in first.texts[2]
    assert "ชมรมผู้สูงอายุ" not in first.text and "ครูสมศรี" not in first.text  # nothing named before consent
    assert first.labels == ["ยินยอม", "ไม่ยินยอม"]
    assert await learners_seen(tbot, headers, classroom["id"]) == []  # not before consent
    agreed = await tbot.tap(user, first, "ยินยอม")
    assert 'อยู่ในห้อง "ชมรมผู้สูงอายุ" ของ ครูสมศรี แล้ว' in agreed.texts[0]
    seen = await learners_seen(tbot, headers, classroom["id"])
    assert [row["name"] for row in seen] == [f"ผู้เรียน #{seen[0]['learner_id']}"]


async def test_a_wrong_code_gets_a_kind_answer(tbot: BotUnderTest) -> None:
    await teacher_with_class(tbot)
    user = user_id("typo")
    await onboard(tbot, user, "บุคคลทั่วไป")
    reply = await tbot.say(user, "เข้าห้อง ZZZZ")
    assert "ไม่พบห้องรหัส ZZZZ" in reply.texts[0]


async def test_a_learner_can_be_in_several_classes_and_leave_one(tbot: BotUnderTest) -> None:
    headers, first = await teacher_with_class(tbot, "ห้อง ม.1")
    second = await new_class(tbot, headers, "ชมรมวันเสาร์")
    user = user_id("busy")
    await onboard(tbot, user, "บุคคลทั่วไป")
    await tbot.say(user, f"เข้าห้อง {first['code']}")
    await tbot.say(user, f"เข้าห้อง {second['code']}")
    again = await tbot.say(user, f"เข้าห้อง {second['code']}")
    assert "อยู่แล้ว" in again.texts[0]
    assert len(rows(tbot, ClassMember)) == 2
    left = await tbot.say(user, f"ออกจากห้อง {first['code']}")
    assert 'ออกจากห้อง "ห้อง ม.1" แล้ว' in left.texts[0]
    assert await learners_seen(tbot, headers, first["id"]) == []
    assert len(await learners_seen(tbot, headers, second["id"])) == 1


async def groups_of(bot: BotUnderTest, headers: dict[str, str], class_id: int) -> list[dict[str, Any]]:
    response = await bot.http.get(f"/api/v1/classes/{class_id}/groups", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def preview_groups(bot: BotUnderTest, headers: dict[str, str], class_id: int) -> int:
    draft = {"class_ids": [class_id], "body": "พรุ่งนี้เรียนที่ศาลาวัดนะคะ"}
    response = await bot.http.post("/api/v1/announcements/preview", json=draft, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["groups"]


async def test_a_group_asks_to_be_linked_and_the_trainer_approves_it(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    joined = await tbot.send(event("join", "x", source=GROUP))
    assert "เชื่อมห้อง" in joined.text
    chatter = await tbot.send(text_event("x", "สวัสดีทุกคน") | {"source": GROUP})
    assert chatter.calls == []
    bare = await tbot.send(text_event("x", classroom["code"]) | {"source": GROUP})  # a word in the chatter
    assert bare.calls == [] and await groups_of(tbot, headers, classroom["id"]) == []
    asked = await tbot.send(text_event("x", f"เชื่อมห้อง {classroom['code']}") | {"source": GROUP})
    assert "ส่งคำขอ" in asked.text and "ครูของห้องกดอนุมัติ" in asked.text
    assert "ชมรมผู้สูงอายุ" not in asked.text and "ครูสมศรี" not in asked.text  # named only once approved
    [pending] = await groups_of(tbot, headers, classroom["id"])
    assert (pending["group_id"], pending["approved_at"]) == (GROUP["groupId"], None)
    assert await preview_groups(tbot, headers, classroom["id"]) == 0  # no announcement reaches it yet
    again = await tbot.send(text_event("x", f"เชื่อมห้อง {classroom['code']}") | {"source": GROUP})
    assert "รอครูอนุมัติ" in again.text
    approved = await tbot.http.post(
        f"/api/v1/classes/{classroom['id']}/groups/{pending['id']}/approve", headers=headers
    )
    assert approved.status_code == 200 and approved.json()["approved_at"] is not None
    assert await preview_groups(tbot, headers, classroom["id"]) == 1
    linked = await tbot.send(text_event("x", f"เชื่อมห้อง {classroom['code']}") | {"source": GROUP})
    assert 'เชื่อมกับห้อง "ชมรมผู้สูงอายุ" อยู่แล้ว' in linked.text
    audit = (await tbot.http.get("/api/v1/audit", headers=headers)).json()
    assert [entry["action"] for entry in audit][:2] == ["group.approve", "group.request"]
    await tbot.send(event("leave", "x", source={"type": "group", "groupId": GROUP["groupId"]}))
    assert await groups_of(tbot, headers, classroom["id"]) == []


async def test_a_trainer_can_unlink_a_group_or_reject_its_request(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    other = {"type": "group", "groupId": "C" + "8" * 32, "userId": user_id("stranger")}
    for source in (GROUP, other):
        await tbot.send(text_event("x", f"เชื่อมห้อง {classroom['code']}") | {"source": source})
    mine, theirs = await groups_of(tbot, headers, classroom["id"])
    await tbot.http.post(f"/api/v1/classes/{classroom['id']}/groups/{mine['id']}/approve", headers=headers)
    for row in (mine, theirs):
        removed = await tbot.http.delete(
            f"/api/v1/classes/{classroom['id']}/groups/{row['id']}", headers=headers
        )
        assert removed.status_code == 204
    assert await groups_of(tbot, headers, classroom["id"]) == []
    audit = (await tbot.http.get("/api/v1/audit", headers=headers)).json()
    assert [entry["action"] for entry in audit][:2] == ["group.reject", "group.remove"]


async def test_erasing_my_data_takes_me_out_of_every_class(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    user = user_id("eraser")
    await onboard(tbot, user, "บุคคลทั่วไป")
    await tbot.say(user, f"เข้าห้อง {classroom['code']}")
    asked = await tbot.say(user, "ลบข้อมูลของฉัน")
    await tbot.tap(user, asked, "ลบเลย")
    assert rows(tbot, ClassMember) == []
    assert await learners_seen(tbot, headers, classroom["id"]) == []


async def elder_finishes_module(
    bot: BotUnderTest, user: str, code: str, name: str, answers: tuple[str, ...]
) -> str:
    await onboard(bot, user, "ผู้สูงอายุ")
    await bot.say(user, f"เข้าห้อง {code} {name}")
    for _ in range(3):
        await bot.say(user, "ต่อไป")
    for answer in answers:
        screen = await bot.say(user, answer)
    return screen.text


async def test_the_class_report_counts_progress_scores_and_missed_questions(tbot: BotUnderTest) -> None:
    headers, classroom = await teacher_with_class(tbot)
    done = await elder_finishes_module(tbot, user_id("dum"), classroom["code"], "ลุงดำ", ("ถามลูก", "ใช่", "2"))
    assert "ตอบถูก 2 จาก 3 ข้อ" in done
    await elder_finishes_module(tbot, user_id("daeng"), classroom["code"], "ป้าแดง", ("1", "ใช่", "2"))
    stopped = user_id("stopped")
    await onboard(tbot, stopped, "บุคคลทั่วไป")
    await tbot.say(stopped, f"เข้าห้อง {classroom['code']} น้าเขียว")
    today = (await tbot.http.get(f"/api/v1/classes/{classroom['id']}", headers=headers)).json()
    assert today["active_this_week"] == 2  # finishing the track this week counts as active
    tbot.clock.advance(days=8)
    headers = await sign_in(tbot, "somsri")
    report = (await tbot.http.get(f"/api/v1/classes/{classroom['id']}", headers=headers)).json()
    assert report["members"] == 3 and report["active_this_week"] == 0  # a week later
    assert report["average_score"] == 50  # 3 of 6 answers right
    assert report["completion_percent"] == 67  # 100 + 100 + 0
    modules = {row["module_id"]: (row["done"], row["learners"]) for row in report["modules"]}
    assert modules == {"t-elder": (2, 2), "t-habit": (0, 1), "t-links": (0, 1)}
    assert [row["skill"] for row in report["weakest_skills"]] == ["cybersecurity"]
    assert report["weakest_skills"][0]["miss_rate"] == 75
    assert [row["name"] for row in report["stopped"]] == ["น้าเขียว"]
    questions = (await tbot.http.get(f"/api/v1/classes/{classroom['id']}/questions", headers=headers)).json()
    assert (questions[0]["question_id"], questions[0]["miss_rate"]) == ("t-elder-q2", 100)
    csv = await tbot.http.get(f"/api/v1/classes/{classroom['id']}/export.csv", headers=headers)
    assert csv.headers["content-type"].startswith("text/csv")
    body = csv.content.decode("utf-8")
    assert body.startswith("\ufeffชื่อ,") and "ลุงดำ" in body and "เรียนครบ" in body and "หยุดเรียน" in body


def test_join_messages_are_read_tolerantly() -> None:
    assert read_join("เข้าห้อง๔K7Q").code == "4K7Q"
    assert read_join("เขัาห้อง 4k7q ค่ะ").code == "4K7Q"
    joined = read_join("เข้า ห้อง 4K7Q ชื่อ ต้นกล้า ครับ")
    assert joined.kind == "join" and joined.nickname == "ต้นกล้า"
    assert read_join("ออกจากห้อง 4K7Q").kind == "leave"
    assert read_join("4K7Q").kind == "bare"
    assert read_join("เชื่อมห้อง 4k7q ค่ะ").kind == "link" and read_join("เชือมห้อง 4K7Q").kind == "link"
    assert read_join("สวัสดีค่ะ ABCD") is None and read_join("ข้อ 2") is None


def test_join_links_open_the_chat_with_the_message_ready() -> None:
    made = links("@ruthan", "4K7Q")
    assert (
        made.chat_url
        == "https://line.me/R/oaMessage/%40ruthan/?%E0%B9%80%E0%B8%82%E0%B9%89%E0%B8%B2%E0%B8%AB%E0%B9%89%E0%B8%AD%E0%B8%87%204K7Q"
    )
    assert made.add_friend_url == "https://line.me/R/ti/p/%40ruthan"
    assert links(None, "4K7Q").chat_url is None
