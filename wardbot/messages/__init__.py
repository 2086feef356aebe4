"""Every resident-facing Vietnamese text, in one place.

Texts are plain (no HTML, no Markdown): each channel escapes and decorates them.
Functions take what they show as arguments, so nothing here reads settings or files.

Each audience's texts are in a module of their own, all of them named here, so that
callers write `msg.NAME` wherever a text lives (a new public name goes in its module and
in the imports below; tests/test_wording.py fails on one left out):
- residents: the greeting and /help, answers (faq.yaml, announcements), problems with a
  message, and picking by number where there are no buttons (Zalo);
- alerts: topics and subscriptions, and the alerts themselves;
- desk: "hỏi cán bộ", as the resident sees it: the offer, the ticket, staff's answer;
- staff_group: what ward staff read in the staff group (tickets, relays, FAQ edits);
- admin: admin commands (in a private chat), and the staff files on the command line
  (bot.py check, bot.py announce) with the bot's failing tasks;
- settings: a wrong setting (.env), as ward staff read it when the bot will not start;
- webchat: the web chat's page, widget and limits;
- common: what they share (the ward's unit, counts, dates, durations, channel names, the
  ward office's contact).
"""

from wardbot.messages.admin import BROADCAST_DROP_BUTTON as BROADCAST_DROP_BUTTON
from wardbot.messages.admin import BROADCAST_DROPPED as BROADCAST_DROPPED
from wardbot.messages.admin import FAQ_REDO_NOTHING as FAQ_REDO_NOTHING
from wardbot.messages.admin import QUESTION_LOG_OFF as QUESTION_LOG_OFF
from wardbot.messages.admin import UNANSWERED_BUTTONS as UNANSWERED_BUTTONS
from wardbot.messages.admin import admin_broadcast_queued as admin_broadcast_queued
from wardbot.messages.admin import admin_broadcast_review as admin_broadcast_review
from wardbot.messages.admin import admin_broadcast_sent_already as admin_broadcast_sent_already
from wardbot.messages.admin import admin_broadcast_unknown_topic as admin_broadcast_unknown_topic
from wardbot.messages.admin import admin_broadcast_usage as admin_broadcast_usage
from wardbot.messages.admin import admin_content_back as admin_content_back
from wardbot.messages.admin import admin_content_gone as admin_content_gone
from wardbot.messages.admin import admin_disk_full as admin_disk_full
from wardbot.messages.admin import admin_disk_full_at_start as admin_disk_full_at_start
from wardbot.messages.admin import admin_disk_room_again as admin_disk_room_again
from wardbot.messages.admin import admin_disk_room_restart as admin_disk_room_restart
from wardbot.messages.admin import admin_faq_readable as admin_faq_readable
from wardbot.messages.admin import admin_faq_shrank as admin_faq_shrank
from wardbot.messages.admin import admin_help as admin_help
from wardbot.messages.admin import admin_notices_dated_ahead as admin_notices_dated_ahead
from wardbot.messages.admin import admin_notices_misdated as admin_notices_misdated
from wardbot.messages.admin import admin_notices_untagged as admin_notices_untagged
from wardbot.messages.admin import admin_part_down as admin_part_down
from wardbot.messages.admin import admin_problems as admin_problems
from wardbot.messages.admin import admin_problems_fixed as admin_problems_fixed
from wardbot.messages.admin import admin_reloaded as admin_reloaded
from wardbot.messages.admin import admin_stats as admin_stats
from wardbot.messages.admin import admin_task_back as admin_task_back
from wardbot.messages.admin import admin_task_failing as admin_task_failing
from wardbot.messages.admin import admin_ticket_usage as admin_ticket_usage
from wardbot.messages.admin import (
    admin_topic_followers_moved as admin_topic_followers_moved,
)
from wardbot.messages.admin import admin_topics_gone as admin_topics_gone
from wardbot.messages.admin import admin_unanswered as admin_unanswered
from wardbot.messages.admin import admin_unanswered_off as admin_unanswered_off
from wardbot.messages.admin import admin_warnings as admin_warnings
from wardbot.messages.admin import admin_weekly as admin_weekly
from wardbot.messages.admin import admin_zalo_oa_refused as admin_zalo_oa_refused
from wardbot.messages.admin import admin_zalo_token_refused as admin_zalo_token_refused
from wardbot.messages.admin import announce_exists as announce_exists
from wardbot.messages.admin import announce_failed as announce_failed
from wardbot.messages.admin import announce_faq_warning as announce_faq_warning
from wardbot.messages.admin import announce_kept_unserved as announce_kept_unserved
from wardbot.messages.admin import announce_left_to_the_bot as announce_left_to_the_bot
from wardbot.messages.admin import announce_not_served as announce_not_served
from wardbot.messages.admin import announce_published as announce_published
from wardbot.messages.admin import announce_refuses_note as announce_refuses_note
from wardbot.messages.admin import announce_silent_expired as announce_silent_expired
from wardbot.messages.admin import announce_silent_no_follower as announce_silent_no_follower
from wardbot.messages.admin import announce_silent_no_topic as announce_silent_no_topic
from wardbot.messages.admin import announce_silent_old as announce_silent_old
from wardbot.messages.admin import announce_source_changed as announce_source_changed
from wardbot.messages.admin import announce_unreadable as announce_unreadable
from wardbot.messages.admin import broadcast_button_stale as broadcast_button_stale
from wardbot.messages.admin import broadcast_send_button as broadcast_send_button
from wardbot.messages.admin import check_bare_keyword as check_bare_keyword
from wardbot.messages.admin import check_data_unwritable as check_data_unwritable
from wardbot.messages.admin import check_dated_otherwise as check_dated_otherwise
from wardbot.messages.admin import check_sample_notices as check_sample_notices
from wardbot.messages.admin import check_summary as check_summary
from wardbot.messages.admin import check_unseen_picture as check_unseen_picture
from wardbot.messages.admin import data_not_written as data_not_written
from wardbot.messages.admin import faq_entries_run_together_kept as faq_entries_run_together_kept
from wardbot.messages.admin import (
    faq_entry_broken_not_edited as faq_entry_broken_not_edited,
)
from wardbot.messages.admin import faq_entry_copy_skipped as faq_entry_copy_skipped
from wardbot.messages.admin import faq_entry_kept as faq_entry_kept
from wardbot.messages.admin import (
    faq_entry_kept_asked_elsewhere as faq_entry_kept_asked_elsewhere,
)
from wardbot.messages.admin import faq_entry_kept_not_edited as faq_entry_kept_not_edited
from wardbot.messages.admin import faq_other_files_copy as faq_other_files_copy
from wardbot.messages.admin import faq_redo_entry_changed as faq_redo_entry_changed
from wardbot.messages.admin import faq_redo_entry_gone as faq_redo_entry_gone
from wardbot.messages.admin import faq_redone as faq_redone
from wardbot.messages.admin import faq_shrank_warning as faq_shrank_warning
from wardbot.messages.admin import faq_unusable as faq_unusable
from wardbot.messages.admin import terminal_intro as terminal_intro
from wardbot.messages.admin import terminal_meaning as terminal_meaning
from wardbot.messages.admin import terminal_reloaded as terminal_reloaded
from wardbot.messages.admin import unanswered_button_stale as unanswered_button_stale
from wardbot.messages.admin import unanswered_choice as unanswered_choice
from wardbot.messages.admin import unknown_entry as unknown_entry
from wardbot.messages.admin import weekly_group as weekly_group
from wardbot.messages.admin import weekly_question as weekly_question
from wardbot.messages.admin import (
    weekly_question_forgotten as weekly_question_forgotten,
)
from wardbot.messages.alerts import ALERT_BURST_OPEN as ALERT_BURST_OPEN
from wardbot.messages.alerts import ALERT_STOP as ALERT_STOP
from wardbot.messages.alerts import LATEST_BUTTON as LATEST_BUTTON
from wardbot.messages.alerts import TOPICS_BUTTON as TOPICS_BUTTON
from wardbot.messages.alerts import UNSUBSCRIBE_ALL_BUTTON as UNSUBSCRIBE_ALL_BUTTON
from wardbot.messages.alerts import admin_group_closed as admin_group_closed
from wardbot.messages.alerts import alert_burst_item as alert_burst_item
from wardbot.messages.alerts import alert_burst_title as alert_burst_title
from wardbot.messages.alerts import alert_footer as alert_footer
from wardbot.messages.alerts import alert_stop_in_group as alert_stop_in_group
from wardbot.messages.alerts import alert_title as alert_title
from wardbot.messages.alerts import alerts_status as alerts_status
from wardbot.messages.alerts import already_subscribed as already_subscribed
from wardbot.messages.alerts import broadcast_title as broadcast_title
from wardbot.messages.alerts import choose_topic_to_unsubscribe as choose_topic_to_unsubscribe
from wardbot.messages.alerts import confirm_unsubscribe_button as confirm_unsubscribe_button
from wardbot.messages.alerts import correction_burst_item as correction_burst_item
from wardbot.messages.alerts import correction_title as correction_title
from wardbot.messages.alerts import forget_done as forget_done
from wardbot.messages.alerts import forget_nothing as forget_nothing
from wardbot.messages.alerts import group_back_unsubscribed as group_back_unsubscribed
from wardbot.messages.alerts import group_staff_only as group_staff_only
from wardbot.messages.alerts import guessed_unsubscribe as guessed_unsubscribe
from wardbot.messages.alerts import latest as latest
from wardbot.messages.alerts import latest_menu as latest_menu
from wardbot.messages.alerts import mysubs as mysubs
from wardbot.messages.alerts import mysubs_menu as mysubs_menu
from wardbot.messages.alerts import not_subscribed as not_subscribed
from wardbot.messages.alerts import retired_topic as retired_topic
from wardbot.messages.alerts import subject_in_topic as subject_in_topic
from wardbot.messages.alerts import subscribe_button as subscribe_button
from wardbot.messages.alerts import subscribed as subscribed
from wardbot.messages.alerts import subscribed_all as subscribed_all
from wardbot.messages.alerts import subscribed_several as subscribed_several
from wardbot.messages.alerts import topic_closed_answered_here as topic_closed_answered_here
from wardbot.messages.alerts import topic_picked_without_list as topic_picked_without_list
from wardbot.messages.alerts import topics_list as topics_list
from wardbot.messages.alerts import topics_menu as topics_menu
from wardbot.messages.alerts import unknown_topic as unknown_topic
from wardbot.messages.alerts import unknown_topic_menu as unknown_topic_menu
from wardbot.messages.alerts import unknown_topic_to_unsubscribe as unknown_topic_to_unsubscribe
from wardbot.messages.alerts import (
    unknown_topic_to_unsubscribe_menu as unknown_topic_to_unsubscribe_menu,
)
from wardbot.messages.alerts import unsubscribe_asked_long_ago as unsubscribe_asked_long_ago
from wardbot.messages.alerts import unsubscribe_button as unsubscribe_button
from wardbot.messages.alerts import unsubscribe_declined as unsubscribe_declined
from wardbot.messages.alerts import unsubscribe_unconfirmed as unsubscribe_unconfirmed
from wardbot.messages.alerts import unsubscribed as unsubscribed
from wardbot.messages.alerts import unsubscribed_all as unsubscribed_all
from wardbot.messages.alerts import unsubscribed_several as unsubscribed_several
from wardbot.messages.alerts import which_topic as which_topic
from wardbot.messages.alerts import which_topic_menu as which_topic_menu
from wardbot.messages.common import CHANNEL_NAMES as CHANNEL_NAMES
from wardbot.messages.common import ELSEWHERE as ELSEWHERE
from wardbot.messages.common import HERE as HERE
from wardbot.messages.common import NOWHERE as NOWHERE
from wardbot.messages.common import WEEKDAYS as WEEKDAYS
from wardbot.messages.common import channel_name as channel_name
from wardbot.messages.common import chat_edit_rows as chat_edit_rows
from wardbot.messages.common import contact_line as contact_line
from wardbot.messages.common import duration as duration
from wardbot.messages.common import example_question as example_question
from wardbot.messages.common import figure as figure
from wardbot.messages.common import unit as unit
from wardbot.messages.common import vn_date as vn_date
from wardbot.messages.common import weekday as weekday
from wardbot.messages.desk import STAFF_ANSWER_FOOTER as STAFF_ANSWER_FOOTER
from wardbot.messages.desk import ask_staff_button as ask_staff_button
from wardbot.messages.desk import shared_with_staff as shared_with_staff
from wardbot.messages.desk import staff_answer_revised as staff_answer_revised
from wardbot.messages.desk import staff_answer_title as staff_answer_title
from wardbot.messages.desk import staff_correction_title as staff_correction_title
from wardbot.messages.desk import staff_desk_busy as staff_desk_busy
from wardbot.messages.desk import staff_desk_unreachable as staff_desk_unreachable
from wardbot.messages.desk import staff_edit_not_moved as staff_edit_not_moved
from wardbot.messages.desk import staff_offer as staff_offer
from wardbot.messages.desk import staff_offer_declined as staff_offer_declined
from wardbot.messages.desk import staff_offer_gone as staff_offer_gone
from wardbot.messages.desk import staff_offer_kept as staff_offer_kept
from wardbot.messages.desk import staff_offer_question as staff_offer_question
from wardbot.messages.desk import staff_private_only as staff_private_only
from wardbot.messages.desk import staff_type_question as staff_type_question
from wardbot.messages.desk import staff_unavailable as staff_unavailable
from wardbot.messages.desk import ticket_already_open as ticket_already_open
from wardbot.messages.desk import ticket_correction as ticket_correction
from wardbot.messages.desk import ticket_follow_up as ticket_follow_up
from wardbot.messages.desk import ticket_limit as ticket_limit
from wardbot.messages.desk import ticket_received as ticket_received
from wardbot.messages.residents import COMMANDS as COMMANDS
from wardbot.messages.residents import FULL_TEXT_BUTTON as FULL_TEXT_BUTTON
from wardbot.messages.residents import MAX_PART_CHARS as MAX_PART_CHARS
from wardbot.messages.residents import ORIGINAL_DOCUMENT as ORIGINAL_DOCUMENT
from wardbot.messages.residents import READ_MORE as READ_MORE
from wardbot.messages.residents import RELATED as RELATED
from wardbot.messages.residents import RELATED_CONTENT as RELATED_CONTENT
from wardbot.messages.residents import TRIMMED_NOTE as TRIMMED_NOTE
from wardbot.messages.residents import WHOLE_ANSWER_BUTTON as WHOLE_ANSWER_BUTTON
from wardbot.messages.residents import WRONG_BUTTON as WRONG_BUTTON
from wardbot.messages.residents import about_parts as about_parts
from wardbot.messages.residents import acknowledged as acknowledged
from wardbot.messages.residents import admins_only as admins_only
from wardbot.messages.residents import announcement_heading as announcement_heading
from wardbot.messages.residents import announcement_source as announcement_source
from wardbot.messages.residents import answered_just_above as answered_just_above
from wardbot.messages.residents import ask_what as ask_what
from wardbot.messages.residents import attachment_not_relayed as attachment_not_relayed
from wardbot.messages.residents import attachment_unread as attachment_unread
from wardbot.messages.residents import call_back as call_back
from wardbot.messages.residents import choose_by_number as choose_by_number
from wardbot.messages.residents import closed_by_notice as closed_by_notice
from wardbot.messages.residents import closed_on_duty as closed_on_duty
from wardbot.messages.residents import closed_that_day as closed_that_day
from wardbot.messages.residents import closed_weekday as closed_weekday
from wardbot.messages.residents import closure_in_force as closure_in_force
from wardbot.messages.residents import commands as commands
from wardbot.messages.residents import complaint_heard as complaint_heard
from wardbot.messages.residents import content_hidden as content_hidden
from wardbot.messages.residents import dated_notice as dated_notice
from wardbot.messages.residents import emoji_seen as emoji_seen
from wardbot.messages.residents import ended_on as ended_on
from wardbot.messages.residents import error as error
from wardbot.messages.residents import expired_note as expired_note
from wardbot.messages.residents import faq_source as faq_source
from wardbot.messages.residents import farewell as farewell
from wardbot.messages.residents import forwarded_notice as forwarded_notice
from wardbot.messages.residents import forwarded_unconfirmed as forwarded_unconfirmed
from wardbot.messages.residents import full_text_sent as full_text_sent
from wardbot.messages.residents import full_text_which as full_text_which
from wardbot.messages.residents import full_text_which_of as full_text_which_of
from wardbot.messages.residents import go_ahead as go_ahead
from wardbot.messages.residents import greeted_again as greeted_again
from wardbot.messages.residents import greeted_back as greeted_back
from wardbot.messages.residents import greeting as greeting
from wardbot.messages.residents import help_text as help_text
from wardbot.messages.residents import in_sentence as in_sentence
from wardbot.messages.residents import in_vietnamese_only as in_vietnamese_only
from wardbot.messages.residents import late_answer as late_answer
from wardbot.messages.residents import liked as liked
from wardbot.messages.residents import no_answer as no_answer
from wardbot.messages.residents import no_list_to_pick as no_list_to_pick
from wardbot.messages.residents import not_found as not_found
from wardbot.messages.residents import not_said_of as not_said_of
from wardbot.messages.residents import not_stated as not_stated
from wardbot.messages.residents import nothing_to_take_back as nothing_to_take_back
from wardbot.messages.residents import number_not_a_button as number_not_a_button
from wardbot.messages.residents import number_not_in_list as number_not_in_list
from wardbot.messages.residents import numbers_not_in_list as numbers_not_in_list
from wardbot.messages.residents import offer as offer
from wardbot.messages.residents import office_phone_unknown as office_phone_unknown
from wardbot.messages.residents import one_number_at_a_time as one_number_at_a_time
from wardbot.messages.residents import open_that_day as open_that_day
from wardbot.messages.residents import open_until as open_until
from wardbot.messages.residents import please_type as please_type
from wardbot.messages.residents import related as related
from wardbot.messages.residents import rest_elsewhere as rest_elsewhere
from wardbot.messages.residents import thanks as thanks
from wardbot.messages.residents import too_long as too_long
from wardbot.messages.residents import unclear as unclear
from wardbot.messages.residents import unknown_command as unknown_command
from wardbot.messages.residents import upset as upset
from wardbot.messages.residents import voice_unheard as voice_unheard
from wardbot.messages.residents import ward_address as ward_address
from wardbot.messages.residents import ward_hotline_too as ward_hotline_too
from wardbot.messages.residents import ward_phone as ward_phone
from wardbot.messages.residents import which_procedure as which_procedure
from wardbot.messages.residents import wished as wished
from wardbot.messages.residents import wrong_answer as wrong_answer
from wardbot.messages.residents import wrong_button_stale as wrong_button_stale
from wardbot.messages.settings import SETTING_EXAMPLES as SETTING_EXAMPLES
from wardbot.messages.settings import config_stopped as config_stopped
from wardbot.messages.settings import config_warned as config_warned
from wardbot.messages.settings import data_folder_taken as data_folder_taken
from wardbot.messages.settings import folder_not_allowed as folder_not_allowed
from wardbot.messages.settings import no_channel as no_channel
from wardbot.messages.settings import port_refused as port_refused
from wardbot.messages.settings import port_taken as port_taken
from wardbot.messages.settings import secret_too_short as secret_too_short
from wardbot.messages.settings import web_not_started as web_not_started
from wardbot.messages.settings import wrong_setting as wrong_setting
from wardbot.messages.staff_group import CLOSE_TICKET_BUTTON as CLOSE_TICKET_BUTTON
from wardbot.messages.staff_group import FAQ_EDIT_OFF as FAQ_EDIT_OFF
from wardbot.messages.staff_group import FAQ_NOT_RELOADED_YET as FAQ_NOT_RELOADED_YET
from wardbot.messages.staff_group import FAQ_UNDO_HINT as FAQ_UNDO_HINT
from wardbot.messages.staff_group import FAQ_UNDO_NOTHING as FAQ_UNDO_NOTHING
from wardbot.messages.staff_group import NEW_FAQ_BUTTON as NEW_FAQ_BUTTON
from wardbot.messages.staff_group import TICKET_POST_NUMBER as TICKET_POST_NUMBER
from wardbot.messages.staff_group import UNDO_MINUTES as UNDO_MINUTES
from wardbot.messages.staff_group import VARIANT_BUTTON as VARIANT_BUTTON
from wardbot.messages.staff_group import admin_staff_group_moved as admin_staff_group_moved
from wardbot.messages.staff_group import delivery_trouble as delivery_trouble
from wardbot.messages.staff_group import faq_being_saved as faq_being_saved
from wardbot.messages.staff_group import faq_blanked as faq_blanked
from wardbot.messages.staff_group import faq_chat_edits_overwritten as faq_chat_edits_overwritten
from wardbot.messages.staff_group import faq_edit_failed as faq_edit_failed
from wardbot.messages.staff_group import faq_entry_added as faq_entry_added
from wardbot.messages.staff_group import faq_folder_read_only as faq_folder_read_only
from wardbot.messages.staff_group import faq_folder_read_only_note as faq_folder_read_only_note
from wardbot.messages.staff_group import faq_no_answer_yet as faq_no_answer_yet
from wardbot.messages.staff_group import faq_undo_changed as faq_undo_changed
from wardbot.messages.staff_group import faq_undo_failed as faq_undo_failed
from wardbot.messages.staff_group import faq_undo_too_late as faq_undo_too_late
from wardbot.messages.staff_group import faq_undone as faq_undone
from wardbot.messages.staff_group import faq_undone_edits_back as faq_undone_edits_back
from wardbot.messages.staff_group import faq_undone_entry as faq_undone_entry
from wardbot.messages.staff_group import faq_undone_variant as faq_undone_variant
from wardbot.messages.staff_group import faq_variant_added as faq_variant_added
from wardbot.messages.staff_group import faq_variant_usage as faq_variant_usage
from wardbot.messages.staff_group import faq_variants_block as faq_variants_block
from wardbot.messages.staff_group import forwarded_for_staff as forwarded_for_staff
from wardbot.messages.staff_group import forwarded_words as forwarded_words
from wardbot.messages.staff_group import relay_channel_off as relay_channel_off
from wardbot.messages.staff_group import relay_delayed as relay_delayed
from wardbot.messages.staff_group import relay_failed as relay_failed
from wardbot.messages.staff_group import relay_not_sent_hint as relay_not_sent_hint
from wardbot.messages.staff_group import relay_not_sent_open as relay_not_sent_open
from wardbot.messages.staff_group import relay_stranded as relay_stranded
from wardbot.messages.staff_group import relay_unreachable as relay_unreachable
from wardbot.messages.staff_group import staff_ack_edited_closed as staff_ack_edited_closed
from wardbot.messages.staff_group import staff_ack_edited_sent as staff_ack_edited_sent
from wardbot.messages.staff_group import staff_ack_not_sent as staff_ack_not_sent
from wardbot.messages.staff_group import staff_admin_only as staff_admin_only
from wardbot.messages.staff_group import staff_anonymous as staff_anonymous
from wardbot.messages.staff_group import staff_answer_held as staff_answer_held
from wardbot.messages.staff_group import staff_attachment_not_sent as staff_attachment_not_sent
from wardbot.messages.staff_group import staff_command_private as staff_command_private
from wardbot.messages.staff_group import (
    staff_edit_command_not_run as staff_edit_command_not_run,
)
from wardbot.messages.staff_group import staff_error as staff_error
from wardbot.messages.staff_group import staff_group_followed as staff_group_followed
from wardbot.messages.staff_group import staff_held_edit_not_sent as staff_held_edit_not_sent
from wardbot.messages.staff_group import staff_help as staff_help
from wardbot.messages.staff_group import staff_no_ticket as staff_no_ticket
from wardbot.messages.staff_group import staff_reply_empty as staff_reply_empty
from wardbot.messages.staff_group import staff_reply_names_no_ticket as staff_reply_names_no_ticket
from wardbot.messages.staff_group import staff_ticket_gone as staff_ticket_gone
from wardbot.messages.staff_group import staff_which_ticket as staff_which_ticket
from wardbot.messages.staff_group import ticket_closed as ticket_closed
from wardbot.messages.staff_group import ticket_correction_post as ticket_correction_post
from wardbot.messages.staff_group import ticket_follow_up_post as ticket_follow_up_post
from wardbot.messages.staff_group import ticket_not_closed as ticket_not_closed
from wardbot.messages.staff_group import ticket_note_post as ticket_note_post
from wardbot.messages.staff_group import ticket_post as ticket_post
from wardbot.messages.staff_group import ticket_reopened as ticket_reopened
from wardbot.messages.staff_group import ticket_row as ticket_row
from wardbot.messages.staff_group import ticket_topic_name as ticket_topic_name
from wardbot.messages.staff_group import ticket_was_closed as ticket_was_closed
from wardbot.messages.staff_group import tickets_listing as tickets_listing
from wardbot.messages.staff_group import tickets_off as tickets_off
from wardbot.messages.webchat import WEB_BAD_REQUEST as WEB_BAD_REQUEST
from wardbot.messages.webchat import WEB_BUSY as WEB_BUSY
from wardbot.messages.webchat import WEB_FORBIDDEN as WEB_FORBIDDEN
from wardbot.messages.webchat import WEB_HANDOFF_EXPIRED as WEB_HANDOFF_EXPIRED
from wardbot.messages.webchat import WEB_WIDGET_BUTTON as WEB_WIDGET_BUTTON
from wardbot.messages.webchat import WEB_WIDGET_CLOSE as WEB_WIDGET_CLOSE
from wardbot.messages.webchat import WEB_WIDGET_RETRY as WEB_WIDGET_RETRY
from wardbot.messages.webchat import WEB_WIDGET_UNREAD as WEB_WIDGET_UNREAD
from wardbot.messages.webchat import alerts_elsewhere as alerts_elsewhere
from wardbot.messages.webchat import follow_on as follow_on
from wardbot.messages.webchat import web_daily_limit as web_daily_limit
from wardbot.messages.webchat import web_noscript as web_noscript
from wardbot.messages.webchat import web_slow_down as web_slow_down
from wardbot.messages.webchat import web_title as web_title
from wardbot.messages.webchat import web_too_many_sessions as web_too_many_sessions
from wardbot.messages.webchat import web_ui as web_ui
from wardbot.messages.webchat import web_widget_failed as web_widget_failed
