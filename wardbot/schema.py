"""The database's schema, as the steps that build it: `wardbot.store` applies them in order
and keeps the version reached in SQLite's user_version."""

from __future__ import annotations

# Migration N brings a database from user_version N to N + 1. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE chats (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id)
    ) WITHOUT ROWID;
    CREATE TABLE subscriptions (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        topic_id TEXT NOT NULL,
        since TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id, topic_id),
        FOREIGN KEY (channel, chat_id) REFERENCES chats (channel, chat_id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX subscriptions_by_topic ON subscriptions (topic_id);
    """,
    # 2: alerts. `seen_announcements` remembers which notices subscribers have been told
    # about; `outbox` holds every message to push, written before anything is sent;
    # `questions` is the log behind /stats and /unanswered.
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE seen_announcements (
        id TEXT PRIMARY KEY,
        seen_at REAL NOT NULL,
        alerted INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        text TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        ref TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        created_at REAL NOT NULL,
        not_before REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        done_at REAL,
        error TEXT,
        UNIQUE (channel, chat_id, kind, ref)
    );
    CREATE INDEX outbox_due ON outbox (channel, state, not_before, id);
    CREATE TABLE unreachable (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        since REAL NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id)
    ) WITHOUT ROWID;
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        asked_at REAL NOT NULL,
        text TEXT NOT NULL,
        answered INTEGER NOT NULL
    );
    CREATE INDEX questions_by_time ON questions (asked_at);
    CREATE INDEX questions_by_chat ON questions (channel, chat_id);
    """,
    # 3: "hỏi cán bộ" (wardbot.desk). A ticket is one resident's question passed to ward
    # staff; `ticket_messages` is what was said on it, each way; `staff_posts` maps the
    # bot's messages in the staff group to their ticket (a staff reply names one of them);
    # `staff_offers` holds the question a resident may choose to pass on, for a day.
    """
    CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',
        created_at REAL NOT NULL,
        active_at REAL NOT NULL,
        answered_at REAL,
        closed_at REAL,
        thread_id INTEGER,
        relay_error TEXT
    );
    CREATE INDEX tickets_by_chat ON tickets (channel, chat_id, state);
    CREATE INDEX tickets_by_thread ON tickets (thread_id);
    CREATE TABLE ticket_messages (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        signer TEXT,
        created_at REAL NOT NULL,
        state TEXT NOT NULL,
        staff_message_id INTEGER
    );
    CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);
    CREATE INDEX ticket_messages_pending ON ticket_messages (state, id);
    CREATE TABLE staff_posts (
        message_id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE
    );
    CREATE INDEX staff_posts_by_ticket ON staff_posts (ticket_id);
    CREATE TABLE staff_offers (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        question TEXT NOT NULL,
        offered_at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id)
    ) WITHOUT ROWID;
    """,
    # 4: the web chat's history (handlers.webchat): what a browser session was told, so a
    # reloaded page shows it again. `id` is the cursor a reconnecting page resumes from:
    # AUTOINCREMENT, so that an id /forget freed never comes back below a page's cursor.
    """
    CREATE TABLE web_messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        author TEXT NOT NULL,
        body TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX web_messages_by_chat ON web_messages (channel, chat_id, id);
    CREATE INDEX web_messages_by_time ON web_messages (at);
    """,
    # 5: ticket numbers are never given again. Staff answer "/r 12 ..." by number, and the
    # bot's posting refers to messages by id: a number /forget or retention freed must not
    # name another resident's ticket. AUTOINCREMENT needs the tables made again (rows kept;
    # `_migrate` turns foreign keys off meanwhile, so dropping the old table deletes
    # nothing else). Rows left pointing at no ticket are not copied.
    """
    CREATE TABLE tickets_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open',
        created_at REAL NOT NULL,
        active_at REAL NOT NULL,
        answered_at REAL,
        closed_at REAL,
        thread_id INTEGER,
        relay_error TEXT
    );
    INSERT INTO tickets_new (id, channel, chat_id, state, created_at, active_at, answered_at,
        closed_at, thread_id, relay_error)
    SELECT id, channel, chat_id, state, created_at, active_at, answered_at, closed_at,
        thread_id, relay_error FROM tickets ORDER BY id;
    DROP TABLE tickets;
    ALTER TABLE tickets_new RENAME TO tickets;
    CREATE INDEX tickets_by_chat ON tickets (channel, chat_id, state);
    CREATE INDEX tickets_by_thread ON tickets (thread_id);
    CREATE TABLE ticket_messages_new (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        signer TEXT,
        created_at REAL NOT NULL,
        state TEXT NOT NULL,
        staff_message_id INTEGER
    );
    INSERT INTO ticket_messages_new (id, ticket_id, author, text, signer, created_at, state,
        staff_message_id)
    SELECT id, ticket_id, author, text, signer, created_at, state, staff_message_id
    FROM ticket_messages WHERE ticket_id IN (SELECT id FROM tickets) ORDER BY id;
    DROP TABLE ticket_messages;
    ALTER TABLE ticket_messages_new RENAME TO ticket_messages;
    CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);
    CREATE INDEX ticket_messages_pending ON ticket_messages (state, id);
    DELETE FROM staff_posts WHERE ticket_id NOT IN (SELECT id FROM tickets);
    """,
    # 6: a notice first seen as not worth an alert (no topic yet, a mistyped date) is
    # alerted once staff fix it, so `alerted` is read now: 1 once its alerts are queued,
    # or when it is never to be (those indexed when the bot was installed, which the
    # earlier versions left at 0). `alerts_since` is that moment, kept as text: a second
    # covers its rounding.
    """
    UPDATE seen_announcements SET alerted = 1
    WHERE seen_at < (SELECT CAST(value AS REAL) + 1.0 FROM meta WHERE key = 'alerts_since');
    """,
    # 7: a notice renamed (its file name fixed: a new id for the same notice) is not
    # alerted again, so notices are remembered by title and date (ISO) too. Rows from
    # earlier versions get them at the next look at the notices still there.
    """
    ALTER TABLE seen_announcements ADD COLUMN title TEXT;
    ALTER TABLE seen_announcements ADD COLUMN date TEXT;
    """,
    # 8: what the desk still has to delete in the staff group once a ticket is gone
    # (/forget, or retention after QUESTION_LOG_DAYS): its forum topic, or without topics
    # each of the bot's messages about it. Written with the ticket's deletion and kept
    # until Telegram has done it, so a deletion that failed is tried again later. Ids in
    # the staff group only: nothing names the resident. `chat_id` is the staff group the
    # topic or message is in: a ward that moved to another group (turning Topics on makes
    # a new supergroup) must not have messages of the same ids deleted in the new one.
    # NULL: the group is not known, and nothing is deleted.
    """
    CREATE TABLE staff_withdrawals (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER,
        thread_id INTEGER,
        message_id INTEGER,
        created_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before REAL NOT NULL
    );
    CREATE INDEX staff_withdrawals_due ON staff_withdrawals (not_before);
    """,
    # 9: the staff group a ticket's topic and the bot's posts about it are in, for the same
    # reason. Tickets posted before have NULL: the desk takes them for the group it is
    # configured with when it first starts after this migration (`TicketBook.claim`), the
    # group they were posted in unless the ward changed group in the same upgrade.
    """
    ALTER TABLE tickets ADD COLUMN staff_chat_id INTEGER;
    """,
    # 10: the topics a notice was alerted for (JSON), so that a notice whose topics are
    # corrected after its alert (tagged from a keyword, or mistyped) reaches the followers
    # of the right one too. NULL: not known (alerted by an earlier version, or there when
    # the bot was installed): such a notice is not alerted again for a topic it gains.
    """
    ALTER TABLE seen_announcements ADD COLUMN topics TEXT;
    """,
    # 11: what "xem toàn văn" (or the number of its line) opens in a chat, so that it
    # still does after a restart: the action of the notice shown last ('full:' and its
    # id; NULL when the document shown last was shown whole) and its number in the list
    # shown last (NULL: not in it). No text: the notice is found again by its id. An alert
    # listing several notices keeps each one's action, one a line, numbered on from it.
    """
    CREATE TABLE shown_last (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        action TEXT,
        number INTEGER,
        shown_at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id)
    );
    """,
    # 12: a digest of an alerted notice's text (its words: `_text_digest`) as the bot last
    # saw it (kept up to date while the notice is still news: `Store._keep_digest`), so
    # that one renamed is known by its text. NULL: not known (not alerted, or not seen
    # since an earlier version alerted it).
    """
    ALTER TABLE seen_announcements ADD COLUMN text_digest TEXT;
    """,
    # 13: a message id is the staff group's own, and the ward may have moved to another
    # group (migration 9): the bot's post in the new group may have the id one of its posts
    # in the old group had. Both are kept, each for its ticket (whose `staff_chat_id` says
    # which group it is in); before, the new one took the old one's place, and the old
    # ticket's /forget left its question in the old group.
    """
    CREATE TABLE staff_posts_new (
        message_id INTEGER NOT NULL,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        PRIMARY KEY (message_id, ticket_id)
    );
    INSERT INTO staff_posts_new (message_id, ticket_id)
    SELECT message_id, ticket_id FROM staff_posts;
    DROP TABLE staff_posts;
    ALTER TABLE staff_posts_new RENAME TO staff_posts;
    CREATE INDEX staff_posts_by_ticket ON staff_posts (ticket_id);
    """,
    # 14: the id a notice's file was renamed to (`note_announcements`), so that the
    # buttons of the alerts that went out under the old name still open it. NULL: not
    # renamed (or renamed before this version).
    """
    ALTER TABLE seen_announcements ADD COLUMN renamed_to TEXT;
    """,
    # 15: the list of choices shown last in a chat (handlers.base: JSON, each line's label
    # and action, and how many of them answered the resident, and when), so that after a
    # restart a number typed picks from the list on screen. NULL: no list (or one kept
    # by an earlier version: only the notice's `action` and `number` then).
    """
    ALTER TABLE shown_last ADD COLUMN choices TEXT;
    """,
    # 16: the numbers written in an alerted notice's title and text (its dates, times,
    # amounts: `notice_numbers`, JSON) as the bot last saw them, kept with `text_digest`,
    # so that an edit changing them is told to the chats it was alerted to (a correction,
    # `_queue_corrections`), and how many times they changed (each change's corrections
    # are rows of their own in the outbox). NULL: not known (not seen since an earlier
    # version).
    """
    ALTER TABLE seen_announcements ADD COLUMN numbers TEXT;
    ALTER TABLE seen_announcements ADD COLUMN number_edits INTEGER NOT NULL DEFAULT 0;
    """,
    # 17: the numbers kept by 16's first version were as written, a link's digits too
    # ("1.500.000", "01"); now they are values, and a link's are left out
    # (`facts.numbers`): learnt again at the first look, so the upgrade corrects none.
    """
    UPDATE seen_announcements SET numbers = NULL;
    """,
    # 18: the numbers kept by 16 and 17 were numbers only, a time as written ("19h30" was
    # "19", "30"); now the words that put a notice off or call it off ("tạm hoãn", "đã
    # hủy": `facts.facts`) are kept with them, a time as its value ("19:30"), a range
    # as its ends and a telephone number as its digits: learnt again at the first look,
    # so the upgrade corrects none.
    """
    UPDATE seen_announcements SET numbers = NULL;
    """,
    # 19: the FAQ entry a resident opened from the close matches offered for a question
    # the bot did not answer (`note_choice`): /unanswered proposes that entry, the
    # resident's own pick, for the question's wording. NULL: none picked.
    """
    ALTER TABLE questions ADD COLUMN chosen TEXT;
    """,
    # 20: whether a chat is a group (1) rather than one person's chat with the bot (0), as
    # its channel said when it last subscribed (or, on Zalo, wrote): an alert pushed there
    # says how to pick from its list as the group must (in a Zalo group, a number alone
    # never reaches the bot: it is typed with the bot's mention). Chats subscribed before
    # are taken for private ones until they do either again.
    """
    ALTER TABLE chats ADD COLUMN is_group INTEGER NOT NULL DEFAULT 0;
    """,
    # 21: the inbox (wardbot.inbox): each update a channel received, as received
    # (`payload`, JSON), written before the platform is told it arrived and deleted once
    # handled, so that one a killed bot never handled is handled at the next start
    # (`attempts`: the starts that took it up); and the key of every update received
    # lately (its id on the platform, nothing of what it says), so that a platform
    # sending one again is not answered twice.
    """
    CREATE TABLE inbox (
        channel TEXT NOT NULL,
        update_key TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (channel, update_key)
    ) WITHOUT ROWID;
    CREATE TABLE inbox_seen (
        channel TEXT NOT NULL,
        update_key TEXT NOT NULL,
        seen_at REAL NOT NULL,
        PRIMARY KEY (channel, update_key)
    ) WITHOUT ROWID;
    CREATE INDEX inbox_seen_by_time ON inbox_seen (seen_at);
    """,
    # 22: the numbers kept by 16 to 21 read a date in words ("ngày 05 tháng 12 năm 2026")
    # or with dashes or dots ("05-12-2026") as three numbers, an amount in words ("1,5
    # triệu") as its number alone, "7 giờ tối" as 7:00, "thứ 7" as 7, and kept no place
    # nor weekday ("thứ Bảy"); now as the date with slashes ("5/12/2026"), the amount's
    # digits ("1500000"), the hour of the day ("19:00", `facts.numbers`), with the places
    # the notice sends residents to and its days of the week (`facts.facts`), so that
    # rewriting one as the other is no correction and a place or a weekday moved is one:
    # learnt again at the first look, so the upgrade corrects none.
    """
    UPDATE seen_announcements SET numbers = NULL;
    """,
    # 23: how many parts of an alert too long for one message went out to a chat, while
    # the rest has not (handlers.base.AlertParts: `digest` of its texts), so that a retry after a
    # restart (or a crash) starts with the first part the chat has not got.
    """
    CREATE TABLE alert_parts (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        digest TEXT NOT NULL,
        sent INTEGER NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id, digest)
    ) WITHOUT ROWID;
    """,
    # 24: per private chat, the FAQ entries or notices it was last answered with (or
    # offered), their ids one a line, and when (wardbot.chat_memory: the subject a
    # follow-up such as "lệ phí bao nhiêu?" asks more about), so that a follow-up handled
    # after a restart (one a stopped bot left in the inbox) is answered as before it. No
    # text, and no member of a group: ids of the ward's own entries; a row older than the
    # follow-up window goes at the next write.
    """
    CREATE TABLE follow_up_subjects (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        ids TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id)
    ) WITHOUT ROWID;
    """,
    # 25: the corrections waiting at the upgrade hold the numbers the chat read as a
    # version before 22 read them: marked so (wardbot.store.announcements.READ_BEFORE_22, a
    # line after the title, which a ref of the first corrections lacks), so that a notice
    # edited back as the chat read it sends none of them (22 reads it otherwise).
    """
    UPDATE outbox SET ref = ref
        || CASE WHEN length(ref) - length(replace(ref, char(10), '')) < 3
            THEN char(10) ELSE '' END
        || char(10) || 'read before migration 22'
    WHERE kind = 'correction' AND state IN ('pending', 'sending');
    """,
    # 26: per private chat, the one close match its latest message was asked about ("Dạ,
    # có phải anh/chị muốn hỏi câu dưới đây?"): its id and when (wardbot.chat_memory), so
    # that "có" opens it after a restart too. No text: an id of the ward's own entries;
    # gone with the chat's next message, or a button it presses.
    """
    CREATE TABLE offered_matches (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        id TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id)
    ) WITHOUT ROWID;
    """,
    # 27: per Telegram group with forum topics, the topic (its message_thread_id) it last
    # subscribed from, where its alerts go; NULL: General (or a chat without topics).
    # Chats subscribed before get theirs in General until they subscribe again.
    """
    ALTER TABLE chats ADD COLUMN thread INTEGER;
    """,
    # 28: per outbox row, the first row of the message it was last handed to the platform
    # in (an alert with the others of its burst; NULL: never handed over), so that a retry
    # of that message, after a failure or a crash, goes with the same rows, neither fewer
    # nor more: one that split over several messages goes on from the first the chat has
    # not got (handlers.base.AlertParts), and a notice queued meanwhile goes on its own.
    """
    ALTER TABLE outbox ADD COLUMN burst INTEGER;
    """,
    # 29: per Telegram group with forum topics, the topic it last wrote to the bot from (a
    # question, a command, a button), where its alerts go when both the topic it subscribed
    # from and General are closed to the bot; NULL: none seen. Only for chats that follow a
    # topic: the chats row goes with a chat's last subscription.
    """
    ALTER TABLE chats ADD COLUMN seen_thread INTEGER;
    """,
    # 30: per alert partly sent to a chat (alert_parts), what the chat has read of it (the
    # paragraphs of its text in the messages that went out) and the notices it opens, as
    # JSON; NULL: not known (no notice, or kept before). A retry of the alert changed
    # meanwhile (one of its notices withdrawn) then sends only what the chat has not read
    # (handlers.base.AlertParts). Notice text only: nothing the resident wrote.
    """
    ALTER TABLE alert_parts ADD COLUMN read TEXT;
    """,
    # 31: per logged question asked in a message asking two or three (each is logged, and
    # counted by /stats, as a question of its own), the id of the message's first question
    # logged; NULL: asked alone (or logged before). "Sai rồi" takes back the message's
    # answer whole: all its questions, after a restart too (wardbot.questions).
    """
    ALTER TABLE questions ADD COLUMN part_of INTEGER;
    """,
    # 32: per resident message on a ticket, and per question offered to pass on, the
    # platform's id of the message it came from (Telegram's message_id; NULL: not known,
    # or a channel without edits), and per resident message the one it corrects (the
    # resident edited a message staff had already): staff read it as a correction of
    # that one, their answer to the first still reaching the resident. Ids only: the
    # text is the ticket's own, deleted with it.
    """
    ALTER TABLE ticket_messages ADD COLUMN source TEXT;
    ALTER TABLE ticket_messages ADD COLUMN corrects INTEGER;
    ALTER TABLE staff_offers ADD COLUMN source TEXT;
    """,
    # 33: per chat of a channel that bills replies and pushed messages differently (a Zalo
    # Official Account), the resident's latest message: its id, when they sent it, and how
    # many messages went out since as replies to it (free within Zalo's window: eight in 48
    # hours). No text. Replaced by their next message; gone with /forget and retention.
    """
    CREATE TABLE reply_windows (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        at REAL NOT NULL,
        replies INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (channel, chat_id)
    ) WITHOUT ROWID;
    """,
    # 34: the web chat's resume handles (handlers.web_resume): the widget on a portal on
    # another site keeps one in the portal's storage, where its frame has none that lasts,
    # and exchanges it for its conversation on the portal's next page, for a new one.
    # Only each handle's SHA-256 digest, the session it opens and until when; per-chat
    # rows, so /forget deletes them with the conversation.
    """
    CREATE TABLE web_resume (
        digest TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        until REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX web_resume_by_chat ON web_resume (channel, chat_id);
    """,
    # 35: per resume handle, when it was first traded (NULL: not yet). A handle traded once
    # still opens its conversation once more for a short while (handlers.web_resume
    # RESUME_GRACE): the answer to its trade lost on the way, or two tabs opening at once.
    """
    ALTER TABLE web_resume ADD COLUMN used REAL;
    """,
    # 36: per logged question, the platform's id of the message it came from (Telegram's
    # message_id; NULL: not known, a channel without edits, or logged before). A message
    # the resident edits and the bot answers again is the same question: its new wording
    # replaces the one logged (/stats counts it once). And per question offered to pass
    # on, and per resident message on a ticket, that joined several of the resident's
    # messages (what asked nothing, sent under the offer, went with the question), those
    # messages as JSON: each one's platform id (null: not known) and how many characters
    # of the text it gave, in order; NULL: one message (`source`). An edit of one of them
    # reaches staff as the whole question as it now reads (wardbot.tickets.Offer). Ids and
    # lengths only, no more of the chat.
    """
    ALTER TABLE questions ADD COLUMN source TEXT;
    ALTER TABLE staff_offers ADD COLUMN parts TEXT;
    ALTER TABLE ticket_messages ADD COLUMN parts TEXT;
    """,
    # 37: per notice marked alerted without an alert of its own because it was a copy
    # (copied, then the original edited instead: `copy_of_before`), the id of the notice
    # whose alert told its text. Cleared once an edit makes it a notice of its own, which
    # is then alerted as a new one (`note_announcements`). NULL: no such copy (or one
    # marked by an earlier version, which stays an alerted notice).
    """
    ALTER TABLE seen_announcements ADD COLUMN copy_of TEXT;
    """,
    # 38: per question offered to pass on, and per ticket, whether it is a complaint about
    # the ward's staff or service (wardbot.complaints) rather than a question: the resident
    # is told the complaint went, and staff read it as one. 0 for what an earlier version
    # kept: a question, as it was offered.
    """
    ALTER TABLE staff_offers ADD COLUMN complaint INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tickets ADD COLUMN complaint INTEGER NOT NULL DEFAULT 0;
    """,
    # 39: per line of a note to admins that quotes residents' words (the Monday report's
    # questions the bot could not answer), each chat whose words it quotes: the note's
    # `messages` id, the line's place in it (from 0) and the line as it reads without
    # them. That chat's /forget puts that line in place of the quoting one, whatever the
    # question logged reads since (a resident's edit) or whether it is logged still; no
    # wording is looked for. Per-chat rows, gone with /forget, and with their note.
    # And per delivery seen (`inbox_seen`), the chat it came from: its key may name the
    # resident (a follow on a Zalo Official Account is named by the follower's id), and
    # the chat's /forget deletes it. NULL for one seen before (gone within two days).
    """
    ALTER TABLE inbox_seen ADD COLUMN chat_id TEXT;
    CREATE TABLE quoted_lines (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        message INTEGER NOT NULL,
        line INTEGER NOT NULL,
        unquoted TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id, message, line)
    );
    CREATE INDEX quoted_lines_by_message ON quoted_lines (message);
    """,
    # 40: per private chat, the removal of its alerts the bot's latest reply asked it to
    # confirm ("Ý anh/chị là /unsubscribe all?", a mistyped command's guess): the action
    # that does it ('dropall', or 'drop:' and a topic's id) and when, so that "có" typed
    # next still does it after a restart. No text, no member of a group (a group's stays
    # in memory); gone with the chat's next message, a button it presses, its /forget,
    # or with the old questions (QUESTION_LOG_DAYS) when it writes no more.
    """
    CREATE TABLE pending_removals (
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        action TEXT NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (channel, chat_id)
    ) WITHOUT ROWID;
    """,
    # 41: per officer told that a message of theirs in the staff group reached no resident
    # (wardbot.desk.staff), the ticket it was about, whether they were told outside its
    # topic, and when: told once in two hours, a restart included. The officer's Telegram
    # id, no text; gone with the ticket (/forget, retention), or two hours on (the next
    # such note deletes what is older).
    """
    CREATE TABLE staff_hints (
        officer TEXT NOT NULL,
        ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        outside INTEGER NOT NULL,
        at REAL NOT NULL,
        PRIMARY KEY (officer, ticket_id, outside)
    ) WITHOUT ROWID;
    """,
)
