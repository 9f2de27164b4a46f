"""The JSON API behind the dashboard (/api/v1), documented at /docs. Same rules as the pages: a trainer sees
and messages only their own classes, an admin all of them; another trainer's class answers 404. The rules
live in the trainer service (bot/trainers/service.py); the schemas here are read from its rows."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from bot.storage.trainers import AssignmentKind, Role
from bot.trainers import auth, classes, dashboard, games
from bot.trainers.auth import LoginOutcome
from bot.web import deps
from bot.web.deps import ApiAdmin, ApiTrainer, TrainersDep

router = APIRouter(prefix="/api/v1", tags=["trainers"])


# ----- models: read from the service's rows (`from_attributes`), never copied field by field -------------


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TrainerOut(Out):
    id: int = Field(validation_alias=AliasChoices("id", "trainer_id"))  # a Trainer row, or a Principal
    username: str
    display_name: str
    role: Role


class Credentials(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=200)


class SessionOut(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`")
    expires_in_minutes: int
    trainer: TrainerOut


class NewTrainer(BaseModel):
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=80)
    password: str = Field(min_length=auth.MIN_PASSWORD, max_length=200)
    role: Role = Role.TRAINER


class TrainerChange(BaseModel):
    active: bool | None = Field(default=None, description="false disables the account (and its sessions)")
    unlock: bool = Field(default=False, description="lift a lock-out after wrong passwords")


class NewClass(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class ClassOut(Out):
    """A `dashboard.ClassSummary` with its `classes.JoinLinks`."""

    id: int = Field(validation_alias="class_id")
    name: str
    code: str
    owner: str
    members: int
    active_this_week: int
    groups: int
    join_message: str = Field(validation_alias="message")
    join_url: str | None = Field(
        validation_alias="chat_url", description="Opens the bot's chat with the join message ready to send"
    )
    add_friend_url: str | None


class LearnerOut(Out):
    learner_id: int
    name: str = Field(validation_alias="label")
    simulated: bool
    track: str
    modules_done: int
    modules_total: int
    percent_correct: int | None
    last_studied: date | None
    status: str
    joined_at: datetime
    before: dict[str, Any] | None = Field(
        default=None,
        description="Placement check: hits, false alarms, hit_rate, false_alarm_rate, d_prime...",
    )
    after: dict[str, Any] | None = Field(default=None, description="Final check, the same figures")


class ModuleLineOut(Out):
    module_id: str
    title: str
    done: bool
    correct: int | None = Field(description="The module's quiz score, when finished")
    total: int | None
    completed_at: datetime | None
    current: bool = Field(description="The module the learner is in now")


class LearnerDetailOut(Out):
    """One learner of a class: their row of the class table, each module of their track, reviews due."""

    learner: LearnerOut = Field(validation_alias="row")
    class_id: int
    class_name: str
    modules: list[ModuleLineOut]
    last_seen_at: datetime
    reviews_due: int = Field(description="Missed questions due for spaced review now")
    next_review: datetime | None
    behind: bool = Field(description="Well below the class's average share of the track done")


LearnerFilter = Annotated[
    str | None,
    Query(
        pattern="^(" + "|".join(dashboard.API_FILTERS) + ")$",
        description="not_started, stopped (or blocked the bot), behind the class, or waiting_consent"
        " (children waiting for a parent: their number and when they joined, nothing else)",
    ),
]


class SkillOut(Out):
    skill: str
    name: str = ""  # the skill's name, in the language of the validation context's "lang"
    answered: int
    missed: int
    miss_rate: int

    @model_validator(mode="after")
    def _named(self, info: ValidationInfo) -> SkillOut:
        self.name = dashboard.skill_name(self.skill, (info.context or {}).get("lang", "th"))
        return self


class QuestionOut(Out):
    question_id: str
    module: str
    skill: str
    prompt: str
    answered: int
    missed: int
    miss_rate: int


class ModuleOut(Out):
    module_id: str
    title: str
    done: int
    learners: int


class ReportOut(Out):
    class_id: int
    name: str
    code: str
    members: int
    active_this_week: int
    completion_percent: int = Field(validation_alias="completion")
    average_score: int | None
    weakest_skills: list[SkillOut]
    stopped: list[LearnerOut]
    modules: list[ModuleOut]
    activity: list[tuple[date, int]]
    drill_checks: dict[str, Any] = Field(
        description="Placement (before) and final (after) checks: pooled figures, the mean and median of the"
        " learners' d′ and balanced accuracy, and per cue"
    )


class ChoiceOut(Out):
    track_id: str
    track: str
    module_id: str
    title: str
    drills: int = Field(description="Practice drills of the module in this track (kind=drills needs some)")


class NewAssignment(BaseModel):
    kind: AssignmentKind = AssignmentKind.MODULE
    track_id: str = Field(max_length=48)
    module_id: str = Field(max_length=48)
    due_on: date = Field(description="The last local (Asia/Bangkok) day to finish it")


class AssignmentOut(Out):
    id: int
    kind: AssignmentKind
    track_id: str
    track: str
    module_id: str
    title: str
    due_on: date
    created_at: datetime
    learners: int = Field(description="Members on the assignment's track")
    done: list[str] = Field(description="Who has done it")
    not_yet: list[str] = Field(description="Not done, due date not passed")
    overdue: list[str] = Field(description="Not done, due date passed")
    nudged_at: datetime | None = Field(description="When the one nudge went; None: not yet")
    nudged: int | None = Field(description="Learners the nudge was sent to")


class NudgeOut(Out):
    sent: bool = Field(description="False: the nudge had gone already; nothing was sent now")
    at: datetime
    learners: int


class GroupOut(Out):
    id: int
    group_id: str
    registered_at: datetime = Field(description="When someone in the group typed เชื่อมห้อง and the code")
    approved_at: datetime | None = Field(description="None: waiting for the trainer; gets no announcements")


class LineAccountOut(Out):
    linked: bool = Field(description="Whether a LINE account is linked (it can run class games in groups)")
    code: str | None = Field(description='The one-time code: type "รหัสครู <code>" to the bot from your LINE')
    code_expires_at: datetime | None

    @model_validator(mode="before")
    @classmethod
    def _from_trainer(cls, data: Any) -> Any:
        if hasattr(data, "line_user_id"):
            return {
                "linked": data.line_user_id is not None,
                "code": data.line_code,
                "code_expires_at": data.line_code_expires_at,
            }
        return data


class NewGame(BaseModel):
    group: int = Field(description="The linked group's row (`id` in /classes/{id}/groups)")
    source: str = Field(
        default=games.MIX, max_length=60, description='"mix", "drills", or "module:<module id>" (its quiz)'
    )
    count: int = Field(default=games.DEFAULT_ITEMS, ge=1, le=games.MAX_ITEMS)
    timed: bool = Field(default=True, description=f"false: no {games.GAME_SECONDS}-second limit per question")
    teams: int = Field(default=0, ge=0, le=games.MAX_TEAMS, description="0: no teams; 2-4 teams")


class GameOut(Out):
    game_id: int
    played_at: datetime
    questions: int = Field(description="Questions shown so far")
    players: int
    answers: int
    correct: int
    percent: int | None = Field(description="Share of answers that were right")
    timed: bool
    teams: int
    status: str


class AuditOut(Out):
    id: int
    actor: str
    action: str
    summary: str
    recipients: int | None
    at: datetime


def class_out(summary: dashboard.ClassSummary, basic_id: str | None) -> ClassOut:
    return ClassOut.model_validate({**asdict(summary), **asdict(classes.links(basic_id, summary.code))})


# ----- session ----------------------------------------------------------------------------------------------


@router.post("/session", response_model=SessionOut, summary="Sign in; returns a bearer token")
async def sign_in(
    body: Credentials,
    request: Request,
    runtime: deps.RuntimeDep,
    settings: deps.SettingsDep,
    passwords: deps.PasswordsDep,
) -> Any:
    result = await auth.login(
        runtime.db,
        runtime.engine,
        settings,
        username=body.username,
        password=body.password,
        source=deps.client_source(request),
        now=runtime.clock.now(),
        passwords=passwords,
    )
    if result.outcome is LoginOutcome.OK and result.principal and result.token:
        p = result.principal
        return SessionOut(
            token=result.token,
            expires_in_minutes=settings.session_idle_minutes,
            trainer=TrainerOut.model_validate(p),
        )
    wait = int(result.retry_after.total_seconds()) if result.retry_after else None
    headers = {"Retry-After": str(wait)} if wait else None
    if result.outcome is LoginOutcome.THROTTLED:
        raise HTTPException(
            429, "Too many failed sign-ins from this address; try again later", headers=headers
        )
    if result.outcome is LoginOutcome.LOCKED:
        raise HTTPException(
            423, "Account locked after repeated wrong passwords; try again later", headers=headers
        )
    raise HTTPException(401, "Wrong username or password")


@router.delete("/session", status_code=204, summary="Sign out (the token stops working)")
async def sign_out(request: Request, principal: ApiTrainer, runtime: deps.RuntimeDep) -> Response:
    token, _ = deps._token(request)
    if token:
        await runtime.db(auth.logout, runtime.engine, token)
    return Response(status_code=204)


@router.get("/me", response_model=TrainerOut, summary="The signed-in trainer")
async def me(principal: ApiTrainer) -> Any:
    return TrainerOut.model_validate(principal)


# ----- classes ----------------------------------------------------------------------------------------------


@router.get("/classes", response_model=list[ClassOut], summary="Classes this trainer may see")
async def list_classes(request: Request, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    basic_id = deps.settings_of(request).line_bot_basic_id
    return [class_out(summary, basic_id) for summary in await trainers.summaries(principal)]


@router.post(
    "/classes", response_model=ClassOut, status_code=201, summary="Create a class with a new join code"
)
async def create_class(body: NewClass, request: Request, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    summary = await trainers.create_class(principal, body.name)
    return class_out(summary, deps.settings_of(request).line_bot_basic_id)


@router.get("/classes/{class_id}", response_model=ReportOut, summary="A class's progress at a glance")
async def get_class(
    class_id: int,
    principal: ApiTrainer,
    trainers: TrainersDep,
    lang: Annotated[str, Query(pattern="^(th|en)$")] = "th",
) -> Any:
    report = await trainers.report(principal, class_id)
    return ReportOut.model_validate(report, context={"lang": lang})


@router.get(
    "/classes/{class_id}/learners", response_model=list[LearnerOut], summary="Every learner in the class"
)
async def class_learners(
    class_id: int, principal: ApiTrainer, trainers: TrainersDep, status: LearnerFilter = None
) -> Any:
    report = await trainers.report(principal, class_id)
    return [LearnerOut.model_validate(row) for row in report.filtered(status)]


@router.get(
    "/classes/{class_id}/learners/{learner_id}",
    response_model=LearnerDetailOut,
    summary="One learner: modules, scores, drill checks, last active, reviews due",
)
async def class_learner(class_id: int, learner_id: int, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    return LearnerDetailOut.model_validate(await trainers.learner(principal, class_id, learner_id))


# ----- assignments ------------------------------------------------------------------------------------------


@router.get(
    "/assignment-choices",
    response_model=list[ChoiceOut],
    summary="The modules a class can be given, per track",
)
async def assignment_choices(principal: ApiTrainer, trainers: TrainersDep) -> Any:
    return [ChoiceOut.model_validate(choice) for choice in trainers.assignment_choices()]


@router.get(
    "/classes/{class_id}/assignments",
    response_model=list[AssignmentOut],
    summary="The class's assignments and who has done each",
)
async def class_assignments(class_id: int, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    return [
        AssignmentOut.model_validate(row) for row in await trainers.class_assignments(principal, class_id)
    ]


@router.post(
    "/classes/{class_id}/assignments",
    response_model=AssignmentOut,
    status_code=201,
    summary="Assign a module (or its drills) of a track, with a due date",
)
async def assign(class_id: int, body: NewAssignment, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    row = await trainers.assign(
        principal,
        class_id,
        kind=body.kind,
        track_id=body.track_id,
        module_id=body.module_id,
        due_on=body.due_on,
    )
    return AssignmentOut.model_validate(row)


@router.delete("/classes/{class_id}/assignments/{assignment_id}", status_code=204, summary="Remove one")
async def unassign(
    class_id: int, assignment_id: int, principal: ApiTrainer, trainers: TrainersDep
) -> Response:
    await trainers.unassign(principal, class_id, assignment_id)
    return Response(status_code=204)


@router.post(
    "/classes/{class_id}/assignments/{assignment_id}/nudge",
    response_model=NudgeOut,
    summary="Send the one reminder to learners who have not done it (once; again: when it went)",
)
async def nudge(class_id: int, assignment_id: int, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    return NudgeOut.model_validate(await trainers.nudge(principal, class_id, assignment_id))


@router.get(
    "/classes/{class_id}/questions",
    response_model=list[QuestionOut],
    summary="How often each question is missed",
)
async def class_questions(class_id: int, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    report = await trainers.report(principal, class_id)
    return [QuestionOut.model_validate(row) for row in report.questions]


@router.get("/classes/{class_id}/export.csv", summary="The class's progress as CSV (opens in Excel)")
async def class_csv(
    class_id: int,
    principal: ApiTrainer,
    trainers: TrainersDep,
    lang: Annotated[str, Query(pattern="^(th|en)$")] = "th",
) -> Response:
    return csv_response(await trainers.report(principal, class_id), lang)


def csv_response(report: dashboard.ClassReport, lang: str) -> Response:
    filename = f"ruthan-class-{report.code}.csv"
    return Response(
        dashboard.csv_export(report, lang),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/classes/{class_id}/groups",
    response_model=list[GroupOut],
    summary="LINE groups linked to the class, and those waiting for approval",
)
async def class_groups(class_id: int, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    classroom = await trainers.visible(principal, class_id)
    return [GroupOut.model_validate(row) for row in await trainers.groups(classroom.id or 0)]


@router.post(
    "/classes/{class_id}/groups/{group_row}/approve",
    response_model=GroupOut,
    summary="Approve a LINE group's request to get the class's announcements",
)
async def approve_group(class_id: int, group_row: int, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    classroom = await trainers.visible(principal, class_id)
    return GroupOut.model_validate(await trainers.approve_group(principal, classroom, group_row))


@router.delete(
    "/classes/{class_id}/groups/{group_row}",
    status_code=204,
    summary="Stop sending to a LINE group, or reject its request",
)
async def remove_group(
    class_id: int, group_row: int, principal: ApiTrainer, trainers: TrainersDep
) -> Response:
    classroom = await trainers.visible(principal, class_id)
    await trainers.unlink_group(principal, classroom, group_row)
    return Response(status_code=204)


@router.get("/classes/{class_id}/qr.png", summary="QR code that opens the bot's chat with the join message")
async def class_qr(class_id: int, principal: ApiTrainer, trainers: TrainersDep) -> Response:
    classroom = await trainers.visible(principal, class_id)
    return Response(trainers.qr_png(classroom), media_type="image/png")


# ----- the trainer's LINE account and class games (issue 18) --------------------------------------------


@router.get("/me/line", response_model=LineAccountOut, summary="Whether your LINE account is linked")
async def my_line(principal: ApiTrainer, trainers: TrainersDep) -> Any:
    return LineAccountOut.model_validate(await trainers.line_account(principal))


@router.post("/me/line/code", response_model=LineAccountOut, summary="A one-time code to link your LINE")
async def my_line_code(principal: ApiTrainer, trainers: TrainersDep) -> Any:
    return LineAccountOut.model_validate(await trainers.new_line_code(principal))


@router.delete("/me/line", status_code=204, summary="Unlink your LINE account")
async def my_line_unlink(principal: ApiTrainer, trainers: TrainersDep) -> Response:
    await trainers.unlink_line(principal)
    return Response(status_code=204)


@router.get("/classes/{class_id}/games", response_model=list[GameOut], summary="Games played in the class")
async def class_games(class_id: int, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    classroom = await trainers.visible(principal, class_id)
    return [GameOut.model_validate(row) for row in await trainers.class_games(classroom.id or 0)]


@router.post(
    "/classes/{class_id}/games",
    status_code=201,
    summary='Prepare a game in a linked group: its first question appears when you type "ข้อต่อไป" there',
)
async def prepare_game(class_id: int, body: NewGame, principal: ApiTrainer, trainers: TrainersDep) -> Any:
    classroom = await trainers.visible(principal, class_id)
    game = await trainers.prepare_game(
        principal,
        classroom,
        group_row=body.group,
        source=body.source,
        count=body.count,
        timed=body.timed,
        teams=body.teams,
    )
    return {"game_id": game.id, "questions": len(game.items)}


# ----- trainers and audit -----------------------------------------------------------------------------------


@router.get("/trainers", response_model=list[TrainerOut], summary="Trainer accounts (admin)")
async def list_trainers(principal: ApiAdmin, trainers: TrainersDep) -> Any:
    return [TrainerOut.model_validate(row) for row in await trainers.trainers()]


@router.post(
    "/trainers", response_model=TrainerOut, status_code=201, summary="Create a trainer account (admin)"
)
async def create_trainer(body: NewTrainer, principal: ApiAdmin, trainers: TrainersDep) -> Any:
    created = await trainers.create_trainer(
        principal,
        username=body.username,
        display_name=body.display_name,
        password=body.password,
        role=body.role,
    )
    return TrainerOut.model_validate(created)


@router.patch(
    "/trainers/{trainer_id}", response_model=TrainerOut, summary="Disable, enable or unlock (admin)"
)
async def change_trainer(
    trainer_id: int, body: TrainerChange, principal: ApiAdmin, trainers: TrainersDep
) -> Any:
    changed = await trainers.change_trainer(principal, trainer_id, active=body.active, unlock=body.unlock)
    return TrainerOut.model_validate(changed)


@router.get("/audit", response_model=list[AuditOut], summary="Who did what, when, to how many")
async def audit_log(principal: ApiTrainer, trainers: TrainersDep) -> Any:
    return [AuditOut.model_validate(entry) for entry in await trainers.audit_entries(principal)]
