"""A channel-neutral Message as Slack Block Kit: header, mrkdwn text, buttons with unique action
ids carrying their values, the "Open in Tandem" link button; and the answered form."""

from __future__ import annotations

from tandem.integrations.slack.blocks import action_name, mrkdwn, render_block_kit, with_answer
from tandem.notify.messages import Button, Message


def _message(**fields):
    return Message(
        kind="did_you_meet",
        category="meetings",
        title="Did you meet Bea?",
        text="Your *coffee* with Bea was on Tuesday. <script> & co. [Log it](https://t.example/l/1)",
        buttons=(
            Button("Yes", action="meeting.did_you_meet", value="7:yes", style="primary"),
            Button("Not yet", action="meeting.did_you_meet", value="7:later"),
            Button("No", action="meeting.did_you_meet", value="7:no", style="danger"),
        ),
        link_url="https://t.example/r/7/",
        **fields,
    )


def test_a_message_becomes_header_text_buttons_and_a_link():
    payload = render_block_kit(_message())
    header, section, actions = payload["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Did you meet Bea?"}}
    text = section["text"]["text"]
    assert section["text"]["type"] == "mrkdwn" and "*coffee*" in text
    assert "&lt;script&gt; &amp; co." in text and "<https://t.example/l/1|Log it>" in text
    elements = actions["elements"]
    assert [e["action_id"] for e in elements] == [
        "meeting.did_you_meet#0",
        "meeting.did_you_meet#1",
        "meeting.did_you_meet#2",
        "tandem.link#3",
    ]
    assert [e.get("value") for e in elements] == ["7:yes", "7:later", "7:no", None]
    assert elements[0]["style"] == "primary" and elements[2]["style"] == "danger"
    assert elements[3]["text"]["text"] == "Open in Tandem"
    assert elements[3]["url"] == "https://t.example/r/7/"
    assert payload["text"].startswith("Did you meet Bea?: Your *coffee*")
    assert action_name(elements[1]["action_id"]) == "meeting.did_you_meet"


def test_long_titles_are_cut_to_slacks_limits():
    payload = render_block_kit(_message(link_label="See it")).copy()
    long = render_block_kit(Message(kind="k", category="nudges", title="x" * 400, text="y" * 5000))
    assert len(long["blocks"][0]["text"]["text"]) == 150
    assert len(long["blocks"][1]["text"]["text"]) == 3000
    assert payload["blocks"][2]["elements"][3]["text"]["text"] == "See it"


def test_an_answered_message_keeps_its_link_but_not_its_answer_buttons():
    blocks = render_block_kit(_message())["blocks"]
    answered = with_answer(blocks, "✅ Ana: Thanks, logged.")
    assert answered[2] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "✅ Ana: Thanks, logged."}],
    }
    assert [e["action_id"] for e in answered[3]["elements"]] == ["tandem.link#3"]
    assert mrkdwn("a < b") == "a &lt; b"
