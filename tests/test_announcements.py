"""Announcements: preview and cost, sending through the durable outbox exactly once, scheduling, the walls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.storage.trainers import Role
from bot.trainers import announcements
from devkit.standin import Fault
from tests.harness import TOKEN, BotUnderTest, Reply, text_event, user_id
from tests.test_admin_pages import browser_sign_in
from tests.test_learning_loop import onboard
from tests.trainer_support import make_trainer, new_class, sign_in, tbot

__all__ = ["tbot"]
GROUP_ID = "C" + "5" * 32


async def class_with_learners(bot: BotUnderTest, learners: int = 3) -> tuple[dict[str, str], dict[str, Any]]:
    make_trainer(bot, "somsri", name="ครูสมศรี")
    headers = await sign_in(bot, "somsri")
    classroom = await new_class(bot, headers)
    for index in range(learners):
        user = user_id(f"learner-{index}")
        await onboard(bot, user, "บุคคลทั่วไป")
        await bot.say(user, f"เข้าห้อง {classroom['code']}")
    return headers, classroom


async def link_group(bot: BotUnderTest, code: str, members: int = 12) -> None:
    """The trainer asks in the group ("เชื่อมห้อง 4K7Q") and approves the request as its owner, somsri."""
    bot.line.group_sizes[GROUP_ID] = members
    source = {"type": "group", "groupId": GROUP_ID, "userId": user_id("kru")}
    await bot.send(text_event("x", f"เชื่อมห้อง {code}") | {"source": source})
    headers = await sign_in(bot, "somsri")
    [found] = [
        c for c in (await bot.http.get("/api/v1/classes", headers=headers)).json() if c["code"] == code
    ]
    [group] = (await bot.http.get(f"/api/v1/classes/{found['id']}/groups", headers=headers)).json()
    approved = await bot.http.post(
        f"/api/v1/classes/{found['id']}/groups/{group['id']}/approve", headers=headers
    )
    assert approved.status_code == 200, approved.text


async def deliver_due(bot: BotUnderTest) -> None:
    """What the background job does: queue what is due, then drain the outbox."""
    await bot.services.announcements.settle()
    await bot.services.announcements.run_once()
    await bot.runtime.drain()


def draft(classroom: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"class_ids": [classroom["id"]], "body": "พรุ่งนี้เรียนที่ศาลาวัด 9 โมงนะคะ", **fields}


async def test_preview_shows_the_message_the_reach_and_the_cost(tbot: BotUnderTest) -> None:
    headers, classroom = await class_with_learners(tbot)
    await link_group(tbot, classroom["code"], members=12)
    preview = (
        await tbot.http.post(
            "/api/v1/announcements/preview", json=draft(classroom, title="นัดเรียน"), headers=headers
        )
    ).json()
    assert preview["learners"] == 3 and preview["groups"] == 1 and preview["group_members"] == 12
    assert preview["messages_used"] == 15  # one message to 3 learners and to the 12 members of the group
    assert preview["quota"]["known"] and preview["quota"]["limit"] == 15000
    assert preview["over_quota"] is False
    assert "ประกาศจาก ครูสมศรี" in preview["html"][0] and "นัดเรียน" in preview["html"][0]


async def test_an_announcement_goes_through_the_outbox_exactly_once(tbot: BotUnderTest) -> None:
    headers, classroom = await class_with_learners(tbot)
    await link_group(tbot, classroom["code"])
    tbot.line.take()
    created = await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    assert created.status_code == 201, created.text
    await deliver_due(tbot)
    calls = tbot.line.take()
    multicasts = [c for c in calls if c.path.endswith("/multicast")]
    pushes = [c for c in calls if c.path.endswith("/push")]
    assert len(multicasts) == 1 and len(multicasts[0].body["to"]) == 3
    assert [c.body["to"] for c in pushes] == [GROUP_ID]
    assert "X-Line-Retry-Key" in multicasts[0].headers
    # Released again (another process, a restart): nothing more is written or sent.
    assert announcements.release(tbot.runtime.engine, created.json()["id"], tbot.clock.now()) is None
    await deliver_due(tbot)
    assert tbot.line.take() == []
    assert all(count == 1 for count in tbot.line.deliveries.values())
    shown = (await tbot.http.get(f"/api/v1/announcements/{created.json()['id']}", headers=headers)).json()
    assert shown["status"] == "queued" and shown["delivery"] == {"sent": 4}
    assert (shown["learners"], shown["groups"]) == (3, 1)
    log = (await tbot.http.get("/api/v1/audit", headers=headers)).json()
    sent = next(entry for entry in log if entry["action"] == "announcement.send")
    assert sent["actor"] == "somsri" and sent["recipients"] == 4


async def test_a_learner_in_two_of_the_classes_gets_it_once(tbot: BotUnderTest) -> None:
    headers, first = await class_with_learners(tbot, learners=1)
    second = await new_class(tbot, headers, "ห้องสอง")
    await tbot.say(user_id("learner-0"), f"เข้าห้อง {second['code']}")
    tbot.line.take()
    body = {"class_ids": [first["id"], second["id"]], "body": "ข่าวมิจฉาชีพใหม่ ระวังนะคะ"}
    assert (await tbot.http.post("/api/v1/announcements", json=body, headers=headers)).status_code == 201
    await deliver_due(tbot)
    assert tbot.line.deliveries[user_id("learner-0")] == 1


async def test_scheduled_announcements_can_be_edited_and_cancelled_until_they_go(tbot: BotUnderTest) -> None:
    headers, classroom = await class_with_learners(tbot, learners=1)
    later = (tbot.clock.now() + timedelta(hours=1)).isoformat()
    first = (
        await tbot.http.post("/api/v1/announcements", json=draft(classroom, send_at=later), headers=headers)
    ).json()
    second = (
        await tbot.http.post("/api/v1/announcements", json=draft(classroom, send_at=later), headers=headers)
    ).json()
    assert first["status"] == "scheduled"
    edited = await tbot.http.put(
        f"/api/v1/announcements/{second['id']}",
        json=draft(classroom, body="เลื่อนเป็น 10 โมงค่ะ", send_at=later),
        headers=headers,
    )
    assert edited.status_code == 200 and edited.json()["body"] == "เลื่อนเป็น 10 โมงค่ะ"
    assert (
        await tbot.http.post(f"/api/v1/announcements/{first['id']}/cancel", headers=headers)
    ).status_code == 204
    tbot.line.take()
    await deliver_due(tbot)
    assert tbot.line.take() == []  # not yet
    tbot.clock.advance(hours=1, minutes=1)
    await deliver_due(tbot)
    calls = tbot.line.take()
    assert len(calls) == 1 and "เลื่อนเป็น 10 โมง" in calls[0].body["messages"][0]["text"]
    too_late = await tbot.http.put(
        f"/api/v1/announcements/{second['id']}", json=draft(classroom), headers=headers
    )
    assert too_late.status_code == 409
    assert (
        await tbot.http.post(f"/api/v1/announcements/{second['id']}/cancel", headers=headers)
    ).status_code == 409
    actions = [entry["action"] for entry in (await tbot.http.get("/api/v1/audit", headers=headers)).json()]
    assert {
        "announcement.schedule",
        "announcement.edit",
        "announcement.cancel",
        "announcement.queued",
    } <= set(actions)


async def test_trainer_a_cannot_message_or_see_class_b(tbot: BotUnderTest) -> None:
    headers_b, class_b = await class_with_learners(tbot, learners=1)
    make_trainer(tbot, "other")
    headers_a = await sign_in(tbot, "other")
    for path in ("/api/v1/announcements/preview", "/api/v1/announcements"):
        response = await tbot.http.post(path, json=draft(class_b), headers=headers_a)
        assert response.status_code == 404, path
    theirs = (
        await tbot.http.post(
            "/api/v1/announcements",
            json=draft(class_b, send_at=(tbot.clock.now() + timedelta(hours=1)).isoformat()),
            headers=headers_b,
        )
    ).json()
    assert (await tbot.http.get("/api/v1/announcements", headers=headers_a)).json() == []
    assert (
        await tbot.http.get(f"/api/v1/announcements/{theirs['id']}", headers=headers_a)
    ).status_code == 404
    own = await new_class(tbot, headers_a)
    meddle = await tbot.http.put(f"/api/v1/announcements/{theirs['id']}", json=draft(own), headers=headers_a)
    assert meddle.status_code == 404
    cancel = await tbot.http.post(f"/api/v1/announcements/{theirs['id']}/cancel", headers=headers_a)
    assert cancel.status_code == 404
    assert (await tbot.http.get(f"/api/v1/announcements/{theirs['id']}", headers=headers_b)).json()[
        "status"
    ] == "scheduled"


async def test_an_announcement_over_the_remaining_quota_is_refused(tbot: BotUnderTest) -> None:
    headers, classroom = await class_with_learners(tbot)
    tbot.line.quota_limit = tbot.line.messages_accepted + 2
    preview = (
        await tbot.http.post("/api/v1/announcements/preview", json=draft(classroom), headers=headers)
    ).json()
    assert preview["over_quota"] and preview["quota"]["remaining"] == 2
    refused = await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    assert refused.status_code == 409 and "quota" in refused.text


async def test_only_consenting_following_learners_are_counted(tbot: BotUnderTest) -> None:
    headers, classroom = await class_with_learners(tbot, learners=2)
    await tbot.unfollow(user_id("learner-1"))
    await tbot.say(user_id("not-yet"), f"เข้าห้อง {classroom['code']}")  # joined, has not consented
    preview = (
        await tbot.http.post("/api/v1/announcements/preview", json=draft(classroom), headers=headers)
    ).json()
    assert preview["learners"] == 1


async def test_card_style_and_image(tbot: BotUnderTest) -> None:
    headers, classroom = await class_with_learners(tbot, learners=1)
    body = draft(classroom, style="card", title="เตือนภัย", image_url="https://example.org/scam.png")
    preview = (await tbot.http.post("/api/v1/announcements/preview", json=body, headers=headers)).json()
    kinds = [message["type"] for message in preview["messages"]]
    assert kinds == ["flex", "image"] and preview["messages_used"] == 2
    assert "font-size:22px" in preview["html"][0]
    bad = await tbot.http.post(
        "/api/v1/announcements/preview",
        json=draft(classroom, image_url="http://example.org/x.png"),
        headers=headers,
    )
    assert bad.status_code == 422 and "image_url" in bad.text


async def simulated_member(bot: BotUnderTest, classroom: dict[str, Any]) -> str:
    """A learner of the simulator who consented, chose a track and a time, and joined the class."""
    user = (await bot.http.post("/simulator/api/start", json={})).json()["user"]
    for data in ("a=consent&v=yes", "a=track&id=general", "a=remind&m=1140"):
        await bot.http.post("/simulator/api/send", json={"user": user, "data": data})
    await bot.http.post("/simulator/api/send", json={"user": user, "text": f"เข้าห้อง {classroom['code']}"})
    return user


async def simulator_screen(bot: BotUnderTest, user: str) -> list[str]:
    """Every message the simulated learner has, drawn as the simulator page draws them."""
    polled = await bot.http.get("/simulator/api/poll", params={"user": user, "after": 0, "wait": 0})
    return [message["html"] for message in polled.json()["messages"]]


async def test_simulated_learners_get_announcements_in_the_simulator_for_free(tbot: BotUnderTest) -> None:
    headers, classroom = await class_with_learners(tbot, learners=0)
    user = await simulated_member(tbot, classroom)
    preview = (
        await tbot.http.post("/api/v1/announcements/preview", json=draft(classroom), headers=headers)
    ).json()
    assert preview["learners"] == 1 and preview["messages_used"] == 0
    tbot.line.take()
    await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    await deliver_due(tbot)
    assert tbot.line.take() == []
    polled = (await tbot.http.get("/simulator/api/poll", params={"user": user, "after": 0, "wait": 0})).json()
    assert any("ศาลาวัด" in message["html"] for message in polled["messages"])


async def test_while_line_fails_a_simulated_learner_gets_an_announcement_once_and_the_page_says_how_it_stands(
    tbot: BotUnderTest,
) -> None:
    headers, classroom = await class_with_learners(tbot, learners=3)
    simulated = await simulated_member(tbot, classroom)
    tbot.line.take()
    tbot.line.faults.extend(Fault(500, path="/v2/bot/message/multicast") for _ in range(3))  # LINE down
    created = await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    url = f"/api/v1/announcements/{created.json()['id']}"
    await deliver_due(tbot)
    assert tbot.line.requests["multicast", 500] == 3  # tried, and retried quickly: still waiting
    shown = (await tbot.http.get(url, headers=headers)).json()
    assert shown["delivery"] == {"sent": 1, "pending": 3} and shown["delivery_state"] == "waiting"

    tbot.line.access_token = "revoked"  # and now LINE refuses the channel's token
    tbot.clock.advance(minutes=1)
    await tbot.runtime.drain()
    shown = (await tbot.http.get(url, headers=headers)).json()
    assert shown["delivery"] == {"sent": 1, "pending": 3} and shown["delivery_state"] == "line_not_connected"
    make_trainer(tbot, "page-reader", role=Role.ADMIN)
    await browser_sign_in(tbot, "page-reader")
    page = (await tbot.http.get(f"/admin/announcements/{created.json()['id']}")).text
    assert "ยังไม่ได้เชื่อมต่อ LINE (ถึงแล้ว 1 จาก 4)" in page and "ส่งแล้ว" not in page

    tbot.line.access_token = TOKEN  # the operator fixed the token
    tbot.clock.advance(minutes=6)
    await tbot.runtime.drain()
    shown = (await tbot.http.get(url, headers=headers)).json()
    assert shown["delivery"] == {"sent": 4} and shown["delivery_state"] == "delivered"
    assert "ส่งถึง 4 จาก 4" in (await tbot.http.get(f"/admin/announcements/{created.json()['id']}")).text
    assert tbot.line.deliveries == {user_id(f"learner-{n}"): 1 for n in range(3)}
    assert sum("ศาลาวัด" in html for html in await simulator_screen(tbot, simulated)) == 1


async def test_an_announcement_mid_lesson_leaves_the_lesson_one_tap_away(tbot: BotUnderTest) -> None:
    headers, classroom = await class_with_learners(tbot, learners=0)
    user = user_id("mid-lesson")
    await onboard(tbot, user, "บุคคลทั่วไป")
    await tbot.say(user, f"เข้าห้อง {classroom['code']}")
    screen = await tbot.say(user, "เรียนต่อ")
    screen = await tbot.tap(user, screen, "ต่อไป")
    screen = await tbot.tap(user, screen, "ต่อไป")
    assert "คำถาม 1/3" in screen.text
    choices = screen.labels
    tbot.line.take()
    await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    await deliver_due(tbot)
    announcement = Reply(tbot.line.take())  # LINE now shows this message's buttons, not the question's
    assert "ศาลาวัด" in announcement.text and announcement.labels == ["เรียนต่อ"]
    back = await tbot.tap(user, announcement, "เรียนต่อ")
    assert "คำถาม 1/3" in back.text and back.labels == choices
    answered = await tbot.tap(user, back, "วางสายแล้วโทรถาม")
    assert answered.texts[0].startswith("✅ ถูกต้อง")


async def test_a_simulated_learner_alone_does_not_prove_line_takes_pushes_again(
    tbot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    headers, classroom = await class_with_learners(tbot, learners=0)
    simulated = await simulated_member(tbot, classroom)
    tbot.line.access_token = "revoked"
    await tbot.follow(user_id("newcomer"))  # the welcome is refused: pushing pauses, the welcome waits
    paused = (await tbot.operator_get("/delivery")).json()
    assert paused["cause"] == "unauthorized"
    await tbot.http.post("/api/v1/announcements", json=draft(classroom), headers=headers)
    await deliver_due(tbot)
    tbot.clock.advance(minutes=6)
    await (
        tbot.runtime.drain()
    )  # the probe meets the simulated learner's batch first: it stops at the simulator
    assert sum("ศาลาวัด" in html for html in await simulator_screen(tbot, simulated)) == 1
    assert (await tbot.operator_get("/delivery")).json() == paused  # the same pause, not lifted and set again
    assert "pushing resumes" not in caplog.text
