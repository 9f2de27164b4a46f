"""The baseline: a bare echo bot on the same SDK, FastAPI and uvicorn as Ruthan.

It parses with the SDK's WebhookParser and replies inline in the request, which is what the SDK's own
examples do. No storage, no durability, no learning flow.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhook import WebhookParser


def create_app() -> FastAPI:
    parser = WebhookParser(os.environ["LINE_CHANNEL_SECRET"])
    configuration = Configuration(
        access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"], host=os.environ["LINE_API_BASE_URL"]
    )
    state: dict[str, AsyncMessagingApi] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = AsyncApiClient(configuration)
        state["api"] = AsyncMessagingApi(client)
        yield
        await client.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/callback")
    async def callback(request: Request) -> str:
        body = (await request.body()).decode()
        try:
            events = parser.parse(body, request.headers.get("X-Line-Signature", ""))
        except InvalidSignatureError:
            raise HTTPException(400, "Invalid signature") from None
        for event in events:
            token = getattr(event, "reply_token", None)
            if not token:
                continue
            message = getattr(event, "message", None)
            echo = getattr(message, "text", None) or "ok"
            await state["api"].reply_message(
                ReplyMessageRequest(reply_token=token, messages=[TextMessage(text=echo)]), _request_timeout=10
            )
        return "OK"

    return app
