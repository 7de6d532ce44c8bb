"""The starter library: articles, a training module and an agreement written for Tandem, so a
new organisation starts with something (``tandem library-starter`` or the library page)."""

from __future__ import annotations

ARTICLES: list[dict[str, object]] = [
    {
        "key": "peer-mentor",
        "title": "How to be a peer mentor",
        "summary": "What peer mentoring is, what it is not, and the habits of a good partner.",
        "audience": "everyone",
        "stages": ["before_kickoff"],
        "skills": ["Coaching"],
        "body": """\
Peer mentoring pairs colleagues at a similar level so that **both** learn. Nobody is the expert
for everything: you bring what you know, your partner brings what they know, and you trade.

## What it is
- A regular, protected conversation (usually 45–60 minutes every two weeks) about growing at work.
- A place to think out loud: a question you would not ask your manager, a draft you want to test.
- Practical: you leave each meeting with a next step.

## What it is not
- Not performance management, and not a report to anyone's manager.
- Not therapy or counselling (see *Boundaries and where to refer someone*).
- Not a one-way lecture: if one of you always asks and the other always answers, change it.

## Habits that work
1. **Turn up.** Most pairs that fail simply stop meeting. Put the series in both calendars.
2. **Listen first.** Ask "what have you tried?" before offering what you would do.
3. **Share your own mistakes.** It makes it safe for your partner to share theirs.
4. **Keep confidences.** What is said in the pair stays in the pair.
5. **Log the meeting in Tandem** (two minutes): who brought the topic, what you agreed.

If it is not working, say so early — to your partner, or to the program's coordinator. A new
match is better than a silent one.
""",
    },
    {
        "key": "both-hats",
        "title": "Wearing both hats: mentor and mentee",
        "summary": "Taking turns to ask and to share, and how Tandem shows the balance.",
        "audience": "everyone",
        "stages": ["before_kickoff", "first_month"],
        "skills": [],
        "body": """\
In a peer pair each of you wears two hats. With the **mentee hat** you bring a question, a
problem or a goal. With the **mentor hat** you listen, ask, and share what you know.

## Why it matters
Reciprocity is what makes peer mentoring different from classic mentoring. Both people grow,
nobody feels they are "taking" or "giving" too much, and the pair lasts.

## How to take turns
- At the start of each meeting, agree whose topic comes first. Next time, swap.
- Split the time: two 25-minute halves work well.
- If you notice you always ask, bring something you can offer: a skill from your profile, a
  tool you use, a contact.
- If you always answer, bring a real question of your own. Being asked for help is a gift.

## What Tandem shows
When you log a meeting you say who brought the topic. The relationship page shows the balance;
a pair where one side always asks is flagged "something needs to shift". That is a prompt,
not a judgement — use it to talk about how you work together.
""",
    },
    {
        "key": "first-meeting",
        "title": "Running your first meeting",
        "summary": "A 60-minute kickoff agenda: introductions, expectations, a goal each.",
        "audience": "everyone",
        "stages": ["before_kickoff"],
        "skills": [],
        "body": """\
The first meeting sets the tone. Plan 60 minutes and use the kickoff guide in Tandem.

| Minutes | What |
|---|---|
| 0–10 | Why you joined, what you hope to get and to give |
| 10–25 | Introductions: background, strengths, what you are working on now |
| 25–35 | How you will work: cadence, format, confidentiality, cancelling |
| 35–50 | One SMART goal each (see *Setting SMART goals*) |
| 50–60 | Questions, worries, and the date of the next meeting |

## Before the meeting
- Read each other's profile in Tandem: the skills you can offer and want to grow.
- Think of one thing you would like help with, and one thing you could help with.

## Agree the ground rules
- How often and how long; video, in person or a walk.
- What happens if one of you has to cancel (rebook within a week).
- Confidentiality: what is said stays between you, unless someone is at risk.

## Before you leave
Book the next meeting before you say goodbye — the pairs that do are far more likely to keep
meeting.
""",
    },
    {
        "key": "feedback",
        "title": "Giving and receiving feedback",
        "summary": "Situation, behaviour, impact — and how to hear feedback without defending.",
        "audience": "everyone",
        "stages": ["first_month"],
        "skills": ["Giving feedback", "Communication"],
        "body": """\
Good feedback is specific, timely and about behaviour, not character.

## Giving it: situation, behaviour, impact
- **Situation:** "In Tuesday's planning meeting…"
- **Behaviour:** "…you summarised the three options before asking for a decision…"
- **Impact:** "…and the group decided in ten minutes instead of forty."

The same works for something to change: "When the draft arrived an hour before the review, I
could not read it properly, so my comments were shallow. Could we aim for the day before?"

## Ask before you give
"Would some feedback on that be useful?" lets your partner choose the moment. In a peer pair
it also keeps the balance: you are offering, not correcting.

## Receiving it
- Listen to the end; ask for an example if it is vague.
- Say thank you, even if you disagree. You can decide later what to do with it.
- Ask for feedback on something specific: "What is one thing I could change in how I run
  stand-ups?"

## In your pair
Once a month, spend five minutes on feedback about the mentoring itself: what is helping, what
is not.
""",
    },
    {
        "key": "smart-goals",
        "title": "Setting SMART goals",
        "summary": "Turn 'get better at presenting' into a goal you will know you reached.",
        "audience": "everyone",
        "stages": ["before_kickoff", "first_month"],
        "skills": [],
        "body": """\
A goal you cannot measure is a wish. Make each goal **S**pecific, **M**easurable,
**A**chievable, **R**elevant and **T**ime-bound.

| | Vague | SMART |
|---|---|---|
| Speaking | Get better at presenting | Give two 10-minute talks to 20+ colleagues by March |
| SQL | Learn SQL | Write the weekly churn report myself, without help, by the end of Q2 |
| Delegation | Delegate more | Hand two recurring tasks to my team and review them monthly |

## Questions that help
- *Specific:* what exactly will be different?
- *Measurable:* how will we both know? A number, a date, a thing you produce.
- *Achievable:* with two hours a month of mentoring, is it realistic in the program's time?
- *Relevant:* why does it matter to you, now?
- *Time-bound:* by when? Put the date in Tandem.

## Track it
Add the goal to your relationship in Tandem, with two or three milestones. Update the progress
after each meeting; at the midpoint check the goal is still the right one and change it if not.
""",
    },
    {
        "key": "boundaries",
        "title": "Boundaries, and where to refer someone",
        "summary": "What peer mentoring cannot cover, and how to hand over kindly.",
        "audience": "everyone",
        "stages": ["before_kickoff", "closing"],
        "skills": [],
        "body": """\
Peer mentors are colleagues, not counsellors, lawyers or managers. Knowing where your role ends
protects you both.

## Outside the pair's role
- Mental health crises, grief, addiction, or anything where someone may be at risk.
- Harassment, discrimination or safety concerns.
- Pay, performance ratings, disciplinary matters, legal questions.

## What to do
1. **Listen and acknowledge.** "That sounds really hard. Thank you for telling me."
2. **Be honest about your limits.** "I'm not the right person to help with this, but I can
   help you find who is."
3. **Point to the right place:** your employee assistance programme, HR, a manager you both
   trust, or the program's support contact (shown on the program page and in the kickoff guide).
4. **If someone is at risk, act now:** contact emergency services or your safety team. This is
   the one exception to confidentiality.

## Raising a concern in Tandem
"Raise a concern" on the relationship page reaches the program's coordinators only, never your
partner. Use it if the pairing is not working, if meetings feel unsafe, or if you are unsure
what to do.

## Closing well
When the program ends, close the relationship in Tandem: what you achieved, what you learned,
and whether you will stay in touch. A clear ending is part of a good boundary.
""",
    },
]

MODULE = {
    "key": "peer-mentoring-basics",
    "title": "Peer mentoring basics",
    "summary": "Ten minutes: what peer mentoring is, both hats, confidentiality and boundaries.",
    "minutes": 10,
    "pass_mark": 75,
    "body": """\
## 1. What peer mentoring is
Two colleagues at a similar level meet regularly to help each other grow. Both give and both
receive: each brings questions (the mentee hat) and shares what they know (the mentor hat).

## 2. How a pair works
Meet every two weeks for about an hour. Open with "what's going well, and what's not?", work on
one topic each, and leave with a next step. Set one SMART goal each at the kickoff.

## 3. Confidentiality
What is said in the pair stays in the pair. Nothing is reported to managers. The one exception:
if someone may be at risk, get help at once.

## 4. Boundaries
You are a colleague, not a counsellor, lawyer or manager. Listen, be honest about your limits,
and point to the right place: the employee assistance programme, HR or the program's support
contact.
""",
    "questions": """\
Who gives and who receives in a peer pair?
* Both people, taking turns
- The more senior person gives, the other receives
- The coordinator decides each meeting

Your partner tells you about something that could put them at risk. What do you do?
- Keep it confidential whatever happens
* Get help at once: this is the exception to confidentiality
- Tell their manager at the next one-to-one

Which goal is SMART?
- Get better at presenting
* Give two 10-minute talks to 20+ colleagues by March
- Be more confident

Your partner asks for help with a pay dispute. What fits peer mentoring?
- Negotiate with HR on their behalf
* Listen, and point them to HR or the support contact
- Tell them what you earn
""",
}

AGREEMENT = {
    "key": "partnership-agreement",
    "title": "Partnership agreement and code of conduct",
    "summary": "What you promise your partner: turn up, listen, keep confidences.",
    "minutes": 3,
    "body": """\
By joining a Tandem pair I agree to:

1. **Turn up.** Meet at the agreed cadence; if I must cancel, I rebook within a week.
2. **Keep confidences.** What my partner shares stays between us, unless someone is at risk.
3. **Wear both hats.** I bring my own questions as well as my answers.
4. **Respect boundaries.** I do not act as a counsellor, manager or lawyer, and I point my
   partner to the right help.
5. **Be kind and direct.** I give feedback with care and ask for it too.
6. **Speak up early.** If the pairing is not working, I tell my partner or the coordinator.
""",
}
