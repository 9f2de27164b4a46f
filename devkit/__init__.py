"""Development tools shared by the tests and the benchmarks, never shipped with the bot.

`devkit.standin` is a local double of the LINE Messaging API (single-use reply tokens, retry keys,
rate limits, injected faults) that the real SDK client can be pointed at. Modules here may import
anything from `bot` and `scheduler`; nothing in `bot` or `scheduler` may import `devkit`.
"""
