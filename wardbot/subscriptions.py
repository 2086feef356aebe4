"""Topics and subscriptions in the conversation: following a topic by name or button, the
lists of every topic and of the chat's own, stopping some or all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from wardbot import messages as msg
from wardbot.config import Settings
from wardbot.intents import (
    AROUND_TOPIC,
    Intent,
    only_numbers,
    topic_forms,
    topic_key,
    topic_list,
)
from wardbot.models import Announcement, Topic
from wardbot.ports import Searcher
from wardbot.reply import Button, Reply, digest, make_action
from wardbot.store import ChatRef, Store
from wardbot.topic_renames import last_names, renamed_ids, renamed_to

# A topic's buttons, by the list they are in (see Subscriptions.toggle): 'sub' and 'unsub'
# in the list of every topic, 'drop' in the list of the chat's own, 'follow' under an answer.
TOPIC_ACTIONS = ("sub", "unsub", "drop", "follow")


class Subscriptions:
    """What a chat follows, as the conversation changes and shows it."""

    def __init__(self, engine: Searcher, store: Store, settings: Settings) -> None:
        self.engine = engine
        self.store = store
        self.settings = settings
        # The names faq.yaml last gave topics since removed from it (wardbot.topic_renames),
        # read again whenever a chat follows one (`_note_gone`).
        self._gone_names: dict[str, str] = {}

    async def topic(self, ref: str, followed: Sequence[str] = ()) -> Topic | None:
        """The topic a button's `ref` (its id, or '#digest') means; among the `followed`
        ones faq.yaml no longer has too, so that they can still be stopped; or, for a
        button shown before staff changed the topic's id, the topic under its new id
        (wardbot.topic_renames)."""
        await self._note_gone(followed)
        topics = [*self.engine.corpus.topics, *self._retired(followed)]
        if ref.startswith("#"):
            found = next((t for t in topics if digest(t.id) == ref[1:]), None)
            if found is not None:
                return found
            old = next((t for t in await renamed_ids(self.store) if digest(t) == ref[1:]), None)
            ref = old or ref
        else:
            found = next((t for t in topics if t.id == ref), None)
        # Renamed, then removed from faq.yaml: one of the `followed` ones, still stopped.
        return found or await renamed_to(self.store, ref, topics)

    async def _note_gone(self, followed: Sequence[str]) -> None:
        """Read the names topics since removed from faq.yaml last had, when `followed`
        holds one (else faq.yaml names them all)."""
        if any(self.engine.corpus.topic(t) is None for t in followed):
            self._gone_names = await last_names(self.store)

    def _retired(self, followed: Sequence[str]) -> list[Topic]:
        """The topics in `followed` since removed from faq.yaml: named by the name they last
        had (by their id when it is no longer known), marked as no longer offered (alerts
        no longer come for them, but the chat follows them)."""
        corpus = self.engine.corpus
        return [Topic(t, self._topic_name(t)) for t in followed if corpus.topic(t) is None]

    def _topic_name(self, topic_id: str) -> str:
        topic = self.engine.corpus.topic(topic_id)
        return topic.name if topic else msg.retired_topic(self._gone_names.get(topic_id, topic_id))

    def resolve(self, wanted: str, *, strict: bool, followed: Sequence[str] = ()) -> Topic | None:
        """The topic `wanted` names. Strict: only its id or name, never a keyword; or the
        id of one of the `followed` topics faq.yaml no longer has.

        Keywords are procedures too ('đăng ký khai sinh' is a question, not a subscription).
        """
        if strict:
            key = topic_key(wanted)
            named = (t for t in self.engine.corpus.topics if key in topic_forms(t.id, t.name))
            retired = (
                t
                for t in self._retired(followed)
                if key in (topic_key(t.id), topic_key(self._gone_names.get(t.id, t.id)))
            )
            return next(named, None) or next(retired, None)
        return self.engine.find_topic(wanted)

    def _resolve_each(
        self, wanted: str, *, strict: bool, followed: Sequence[str] = ()
    ) -> list[Topic]:
        """The topics of "bhyt, học bổng", "bhyt và cư trú" (each named as `resolve` takes
        it), when every part names one; else []."""
        parts = [part for part in topic_list(wanted) if part]
        if len(parts) < 2:
            return []
        topics = [self.resolve(part, strict=strict, followed=followed) for part in parts]
        named = [topic for topic in topics if topic is not None]
        return list(dict.fromkeys(named)) if len(named) == len(topics) else []

    def _named(self, wanted: str, *, strict: bool) -> list[Topic]:
        """The topic or topics `wanted` names (`resolve`, `_resolve_each`), or []."""
        topic = self.resolve(wanted, strict=strict)
        return [topic] if topic else self._resolve_each(wanted, strict=strict)

    def _topic_said(self, wanted: str) -> str:
        """`wanted` without the words after a topic's name that say when, and particles
        (`AROUND_TOPIC`: "học bổng năm nay", "bhyt tháng này nha"), unless a topic's name
        has them. Anything else after it ("bhyt giá vàng") still names no topic."""
        of_topics = {
            word
            for topic in self.engine.corpus.topics
            for form in topic_forms(topic.id, topic.name)
            for word in form.split()
        }
        typed = wanted.split()
        while len(typed) > 1 and (said := set(topic_key(typed[-1]).split())) <= AROUND_TOPIC:
            if said & of_topics:
                break
            typed.pop()
        return " ".join(typed)

    async def subscribe(self, chat: ChatRef, intent: Intent, manages: bool) -> list[Reply] | None:
        if not intent.arg or (intent.arg == "all" and not self.engine.corpus.topics):
            return [await self.topics_reply(chat)]
        if intent.arg == "all":
            if not manages:
                return [Reply(msg.group_staff_only(self.settings.ward_name))]
            return [await self._follow_all(chat)]
        strict = not intent.explicit
        named = self._named(intent.arg, strict=strict)
        if not named and (wanted := self._topic_said(intent.arg)) != intent.arg:
            named = self._named(wanted, strict=strict)
        if not named and only_numbers(intent.arg):
            # A number from no list shown lately (one seen before a restart, or on another
            # device): the topics now, to pick again, rather than a guess at which it meant.
            return [await self._topics_to_pick(chat, intent.arg)]
        if not named and intent.explicit:
            begun = self._begun(intent.arg)
            if len(begun) > 1:  # "bảo hiểm": "Bảo hiểm y tế" or "Bảo hiểm xã hội"?
                return [self._which_topic(intent.arg, begun)]
            named = begun
        if not named:
            return [await self.unknown_topic(chat, intent.arg)] if intent.explicit else None
        if not manages:
            return [Reply(msg.group_staff_only(self.settings.ward_name))]
        return [await self.follow_several(chat, named)]

    async def follow_several(
        self, chat: ChatRef, topics: Sequence[Topic], off: Sequence[str] = ()
    ) -> Reply:
        """`topics` followed (named at once, or picked by their numbers: `off`, the numbers
        typed that are not on the list, are named after)."""
        if len(topics) == 1:
            reply = await self._follow(chat, topics[0])
        else:
            for each in topics:
                await self.store.subscribe(chat, each.id)
            text = msg.subscribed_several(self.settings.ward_name, [each.name for each in topics])
            reply = Reply(text, buttons=(Button(msg.TOPICS_BUTTON, "topics"),))
        if off:
            reply = replace(reply, text=f"{reply.text}\n\n{msg.numbers_not_in_list(off)}")
        return reply

    async def toggle(self, chat: ChatRef, kind: str, topic: Topic) -> Reply:
        """A topic's button pressed (`kind`: one of TOPIC_ACTIONS). The list it was in is
        shown again, updated in place where the channel can: the numbers on screen must keep
        meaning what the resident sees, so a button of their own topics' list shows what
        they still follow, not every topic. Under an answer, the answer stays."""
        if kind == "follow":
            return await self._follow(chat, topic)
        if kind == "sub":
            added = await self.store.subscribe(chat, topic.id)
            said = (
                msg.subscribed(self.settings.ward_name, topic.name, group=not chat.private)
                if added
                else msg.already_subscribed(topic.name)
            )
        else:
            removed = await self.store.unsubscribe(chat, topic.id)
            said = msg.unsubscribed(topic.name) if removed else msg.not_subscribed(topic.name)
        if kind == "drop" and not await self.store.subscriptions_of(chat):
            return Reply(said, buttons=(Button(msg.TOPICS_BUTTON, "topics"),), replace=True)
        listing = await (self.mysubs_reply(chat) if kind == "drop" else self.topics_reply(chat))
        numbered = listing.numbered_text and f"{said}\n\n{listing.numbered_text}"
        return Reply(
            f"{said}\n\n{listing.text}",
            buttons=listing.buttons,
            replace=True,
            numbered_text=numbered,
        )

    async def _follow(self, chat: ChatRef, topic: Topic) -> Reply:
        added = await self.store.subscribe(chat, topic.id)
        text = (
            msg.subscribed(self.settings.ward_name, topic.name, group=not chat.private)
            if added
            else msg.already_subscribed(topic.name)
        )
        return Reply(text, buttons=(Button(msg.TOPICS_BUTTON, "topics"),))

    async def _follow_all(self, chat: ChatRef) -> Reply:
        """Every topic followed at once ("/subscribe all"), as "/unsubscribe all" stops them;
        a ward's only topic followed as by its name (not "cả 1 chủ đề")."""
        topics = self.engine.corpus.topics
        if len(topics) == 1:
            return await self._follow(chat, topics[0])
        added = [await self.store.subscribe(chat, topic.id) for topic in topics]
        text = msg.subscribed_all(self.settings.ward_name, len(topics) if any(added) else 0)
        return Reply(text, buttons=(Button(msg.TOPICS_BUTTON, "topics"),))

    async def follow_button(self, chat: ChatRef, intent: Intent, manages: bool) -> Button | None:
        """For a question like "đăng ký cư trú" naming a topic exactly (never by a keyword:
        "đăng ký tạm trú" is only a question) that the chat does not follow yet: a button
        to follow it, so that a resident who meant to subscribe is one tap away."""
        if intent.kind != "question" or not intent.arg or not manages:
            return None
        topic = self.resolve(intent.arg, strict=True)
        if topic is None or topic.id in await self.store.subscriptions_of(chat):
            return None
        return Button(msg.subscribe_button(topic.name), make_action("follow", topic.id))

    async def notice_follow_button(
        self, chat: ChatRef, notice: Announcement, manages: bool
    ) -> Button | None:
        """Under a notice shown to a chat: a button to follow its first topic faq.yaml has
        that the chat does not follow yet (its next notices then come as alerts)."""
        if not manages:
            return None
        followed = await self.store.subscriptions_of(chat)
        corpus = self.engine.corpus
        topics = (corpus.topic(topic_id) for topic_id in notice.topics)
        topic = next((t for t in topics if t is not None and t.id not in followed), None)
        if topic is None:
            return None
        return Button(msg.subscribe_button(topic.name), make_action("follow", topic.id))

    async def unsubscribe(self, chat: ChatRef, intent: Intent, manages: bool) -> list[Reply] | None:
        if intent.arg == "all" and not manages:
            return [Reply(msg.group_staff_only(self.settings.ward_name))]
        if intent.arg == "all":
            return [await self.drop_all(chat)]
        followed = await self._followed(chat)
        if not intent.arg:
            # "hủy nhận tin", "đừng gửi tin nữa": which topics, or all; never all unasked.
            if not followed:
                return [Reply(msg.unsubscribed_all(0))]
            return [Reply(msg.choose_topic_to_unsubscribe(), buttons=self._unsub_buttons(followed))]
        # Only a topic's own name, id or part of its name: a keyword names a procedure too
        # ("hủy đăng ký tạm trú" asks how to cancel a temporary residence, not Cư trú).
        topic = self.resolve(intent.arg, strict=True, followed=followed)
        named = [topic] if topic else self._resolve_each(intent.arg, strict=True, followed=followed)
        if not named and intent.explicit and only_numbers(intent.arg):
            # "hủy 1" from no list shown lately, as for "/subscribe 1": the chat's topics,
            # to pick again, rather than a guess at which it meant.
            said = msg.topic_picked_without_list(intent.arg)
            buttons = self._unsub_buttons(followed)
            return [Reply(said, buttons=buttons) if followed else Reply(msg.unsubscribed_all(0))]
        if not named and intent.explicit:
            named = self._forgiven(intent.arg, followed)
        if not named and intent.explicit:  # which one? only the chat's own can be meant
            names = [self._topic_name(t) for t in followed]
            return [
                Reply(
                    msg.unknown_topic_to_unsubscribe(intent.arg, names),
                    buttons=self._unsub_buttons(followed),
                    numbered_text=msg.unknown_topic_to_unsubscribe_menu(intent.arg, len(names)),
                )
            ]
        if not named or (intent.followed_only and any(t.id not in followed for t in named)):
            return None
        if not manages:
            return [Reply(msg.group_staff_only(self.settings.ward_name))]
        if len(named) > 1:
            for each in named:
                await self.store.unsubscribe(chat, each.id)
            return [Reply(msg.unsubscribed_several([each.name for each in named]))]
        removed = await self.store.unsubscribe(chat, named[0].id)
        text = msg.unsubscribed(named[0].name) if removed else msg.not_subscribed(named[0].name)
        return [Reply(text)]

    async def guessed(self, chat: ChatRef, intent: Intent, typed: str) -> tuple[Reply, str | None]:
        """A mistyped command (`typed`, "/nollow") taken for /unsubscribe with what to stop
        (`intent.arg`): never done on a guess. The reply asks whether it is meant, with
        the action that does it (its button; numbered 1 where lines are numbered); or,
        when it names no one topic the chat follows, says the command was not understood
        (None: nothing to do)."""
        followed = await self._followed(chat)
        if not followed:
            return Reply(msg.unsubscribed_all(0)), None
        if intent.arg == "all":
            name, action = None, "dropall"
        else:
            topic = self.resolve(intent.arg, strict=True, followed=followed)
            topic = topic or next(iter(self._forgiven(intent.arg, followed)), None)
            if topic is None or topic.id not in followed:
                return Reply(msg.unknown_command(typed)), None
            name, action = topic.name, make_action("drop", topic.id)
        command = f"/unsubscribe {intent.arg}"
        return Reply(
            msg.guessed_unsubscribe(command, name, numbered=False),
            buttons=(Button(msg.confirm_unsubscribe_button(name), action),),
            numbered_text=msg.guessed_unsubscribe(command, name, numbered=True),
        ), action

    def _forgiven(self, wanted: str, followed: Sequence[str]) -> list[Topic]:
        """A typed /unsubscribe naming one of the chat's topics with a typo, as /subscribe
        forgives it ("/unsubscribe bao hiem yte"): what it subscribed with stops it too.
        Never by a keyword, which names procedures too (the choices are offered). Else []."""
        topic = self.engine.find_topic(wanted, followed, keywords=False)
        return [topic] if topic else []

    def _begun(self, wanted: str) -> list[Topic]:
        """The topics whose name (or a part of it: intents.topic_forms), or id, `wanted`
        begins with whole words ("bảo hiểm": "Bảo hiểm y tế" and "Bảo hiểm xã hội";
        "khuyến học": "Học bổng và khuyến học"). Never by a keyword, nor by a word inside
        a name ("y tế" is not "Bảo hiểm y tế")."""
        words = topic_key(wanted).split()
        if not words:
            return []
        return [
            topic
            for topic in self.engine.corpus.topics
            if any(
                form.split()[: len(words)] == words for form in topic_forms(topic.id, topic.name)
            )
        ]

    def _which_topic(self, wanted: str, topics: Sequence[Topic]) -> Reply:
        """Asking which of `topics` a resident who typed `wanted` means: a choice to follow
        each (buttons, or numbered lines where the channel numbers them)."""
        buttons = tuple(
            Button(msg.subscribe_button(t.name), make_action("follow", t.id)) for t in topics
        )
        return Reply(
            msg.which_topic(wanted, [t.name for t in topics]),
            buttons=buttons,
            numbered_text=msg.which_topic_menu(wanted),
        )

    async def _topics_to_pick(self, chat: ChatRef, picked: str) -> Reply:
        """The list of every topic (/topics), under a line saying the number `picked` was
        from no list the bot knows it showed."""
        said = msg.topic_picked_without_list(picked)
        listing = await self.topics_reply(chat)
        numbered = listing.numbered_text and f"{said}\n\n{listing.numbered_text}"
        return replace(listing, text=f"{said}\n\n{listing.text}", numbered_text=numbered)

    async def unknown_topic(self, chat: ChatRef, wanted: str) -> Reply:
        """Following a topic not found: the topics there are, and a "🔔 Nhận tin" choice
        for each one the chat does not follow yet."""
        followed = set(await self.store.subscriptions_of(chat))
        topics = self.engine.corpus.topics
        buttons = tuple(
            Button(msg.subscribe_button(t.name), make_action("sub", t.id))
            for t in topics
            if t.id not in followed
        )
        return Reply(
            msg.unknown_topic(wanted, [(t.name, t.id in followed) for t in topics]),
            buttons=buttons,
            numbered_text=msg.unknown_topic_menu(wanted),
        )

    def _unsub_buttons(self, topic_ids: Sequence[str]) -> tuple[Button, ...]:
        """The buttons of the chat's own topics' list: "🔕 Bỏ nhận tin" for each, then one
        for all of them when there are several."""
        each = tuple(
            Button(msg.unsubscribe_button(self._topic_name(t)), make_action("drop", t))
            for t in topic_ids
        )
        return (*each, Button(msg.UNSUBSCRIBE_ALL_BUTTON, "dropall")) if len(each) > 1 else each

    async def drop_all(self, chat: ChatRef, *, in_place: bool = False) -> Reply:
        followed = await self._followed(chat)
        count = await self.store.unsubscribe_all(chat)
        # The one topic stopped, named (“Học bổng”), as stopping it by name says.
        topic = self._topic_name(followed[0]) if count == len(followed) == 1 else None
        return Reply(msg.unsubscribed_all(count, topic), replace=in_place)

    async def topics_reply(self, chat: ChatRef) -> Reply:
        followed = set(await self.store.subscriptions_of(chat))
        topics = self.engine.corpus.topics
        buttons = tuple(
            Button(msg.unsubscribe_button(t.name), make_action("unsub", t.id))
            if t.id in followed
            else Button(msg.subscribe_button(t.name), make_action("sub", t.id))
            for t in topics
        )
        names = [(t.name, t.id in followed) for t in topics]
        return Reply(
            msg.topics_list(self.settings.ward_name, names),
            buttons=buttons,
            numbered_text=msg.topics_menu(self.settings.ward_name, names),
        )

    async def _followed(self, chat: ChatRef) -> list[str]:
        """The chat's topic ids, in the order of faq.yaml (topics since removed last)."""
        order = {topic.id: n for n, topic in enumerate(self.engine.corpus.topics)}
        followed = await self.store.subscriptions_of(chat)
        await self._note_gone(followed)
        return sorted(followed, key=lambda t: order.get(t, len(order)))

    async def mysubs_reply(self, chat: ChatRef) -> Reply:
        followed = await self._followed(chat)
        if not followed:
            return Reply(msg.mysubs([]), buttons=(Button(msg.TOPICS_BUTTON, "topics"),))
        names = [self._topic_name(t) for t in followed]
        return Reply(
            msg.mysubs(names),
            buttons=self._unsub_buttons(followed),
            numbered_text=msg.mysubs_menu(len(names)),
        )

    async def alerts_status(self, chat: ChatRef) -> Reply:
        """Why no alert came: what the chat follows, and when alerts come (a new notice on
        one of those topics, after the quiet hours), with the latest notices a tap away."""
        names = [self._topic_name(t) for t in await self._followed(chat)]
        quiet = self.settings.quiet_hours
        text = msg.alerts_status(
            self.settings.ward_name, names, str(quiet) if quiet else None, group=not chat.private
        )
        latest = Button(msg.LATEST_BUTTON, "latest")
        topics = Button(msg.TOPICS_BUTTON, "topics")
        return Reply(text, buttons=(latest,) if names else (topics, latest))
