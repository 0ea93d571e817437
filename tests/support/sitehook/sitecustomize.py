"""Test-only start-up hook for stage subprocesses: point apprise at the local chat server.

The end-to-end tests put this folder on PYTHONPATH of the `redflag` processes they start
and set REDFLAG_TEST_CHAT_URL; apprise's real Slack and Telegram plugins then post to the
local server instead of the internet. Service code knows nothing of this.
"""

import os

_CHAT = os.environ.get("REDFLAG_TEST_CHAT_URL")
if _CHAT:
    from apprise.plugins.slack import NotifySlack
    from apprise.plugins.telegram import NotifyTelegram

    NotifySlack.webhook_url = f"{_CHAT}/services"
    NotifyTelegram.notify_url = f"{_CHAT}/bot"
