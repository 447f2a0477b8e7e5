"""`python -m bot demo`: a scripted day at the demo desk, printed as the people would read it.

The script is sandbox input, so everything shown really happened in the bot: every finished
rule of PROCESS.md appears here (later issues add their steps).
"""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime
from typing import IO
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.sandbox.repl import Repl
from bot.sandbox.standin_smtp import StandInRelay
from bot.sandbox.world import build_world
from config.settings import load_settings

SCRIPT = """\
## 0. Before anything breaks, Olu at a partner firm asks the status page for e-mail about mail
## outages (BCAST-3): the "Get updates" form, then the link in the confirmation mail.
subscribe olu@partner.example email
## 1. A major incident, recorded through the form (INTAKE-1..3, CLASSIFY-1..3, ROUTE-1)
## Dana on the service desk takes a call from Alex: nobody can get e-mail. Priority is never asked:
## it follows from the business-impact answers and the urgency.
as dana
/case
fill Requester = alex
fill Call-back number = +44 20 7946 0018
fill Location = HQ, floor 3
fill Summary = Email is down for everyone
fill Affected service = E-mail and calendars
fill Request type = Incident resolution
fill Category = Software
fill How many people = Most of the organisation
fill Who is affected = Customers or the public
fill Is a business-critical = Yes
fill How badly = Work has stopped
fill What can't you do = Outlook and the web client both fail to load mail.
fill What does the failure look like = "Cannot connect to the server" in Outlook; OWA shows HTTP 503
fill What changed recently = I don't know
submit
## The command center takes P1 and P2: a case channel with the brief pinned, the on-call paged,
## the broadcast channel told, and the requester given the number and the target time.
channels
read #case-1001-email-is-down-for-everyone
read #major-incidents
dm priya
dm alex
## Priya, the command center's on-call, takes it from her page; the queue card changes in place.
## Whoever takes a case gives the requester an estimate at once: one tap (WORK-1).
as priya
press Take it
press 30 min
## Her page is edited in place: no Take it any more, and it says who has the case.
dm priya 1
dm alex 1
read #command-center
## Can the command center resolve this here (ROUTE-6)? Three questions in the case channel, one
## tap each: no architectural change, not outside our skills, and yes, within 20 minutes.
in #case-1001-email-is-down-for-everyone
read #case-1001-email-is-down-for-everyone 2
press No #1
press No #1
press Yes
read #case-1001-email-is-down-for-everyone 1
in #it-help
## 2. The same symptom again: link instead of duplicating (INTAKE-4)
as sam
/case new e-mail down for everyone for=@jordan
press Link to CASE-1001
dm jordan
## 3. A P3 through free text, then completing the classification (INTAKE-6, CLASSIFY-4, ROUTE-2)
/case new VPN drops every hour when working from home service=vpn urgency=medium for=@alex
## Alex already has an open case, so the bot asks first. This is a different problem.
press Record a new case anyway
read #network-queue
press Complete the classification
fill Request type = Incident resolution
fill Category = Network
fill How many people = Only the requester
fill Who is affected = Internal staff only
fill Is a business-critical = No
submit
## Kenji from Network Operations takes it from the queue. The knowledge base answered first,
## under the card: he sends Alex the best match as a link (WORK-2).
as kenji
press Take it in #network-queue
press 1 h
read #network-queue
press Send to requester in #network-queue
dm alex 3
## 4. From a message in a channel (INTAKE-1's message shortcut keeps the permalink)
as jordan
in #it-help
say The printer on floor 2 says "offline" since this morning and nobody can print
as dana
shortcut
## The form opens with the message as the description and a link back to it.
modal
fill Affected service = Printers and scanners
fill Request type = Incident resolution
fill Category = Hardware
fill How many people = A team or several people
fill Who is affected = Internal staff only
fill Is a business-critical = No
fill How badly = Work is slowed
fill What changed recently = Nothing
submit
read #euc-queue 1
## 5. An unsupported service needs an override with a reason (CLASSIFY-2)
/case new Home router will not connect to the company laptop service=personal-devices for=@jordan
press Record a new case anyway
read #desk-queue 1
as morgan
press Approve override in #desk-queue
fill Why approve = Jordan is on call this week and must work from home
fill For how long = This case only
submit
read #desk-queue 1
## 6. Reclassification that makes a case major starts ROUTE-1 at once (CLASSIFY-4)
as kenji
press Reclassify in #network-queue
fill How many people = A department or a whole site
fill How badly = Work has stopped
fill Reason = The whole Leeds office lost VPN, not only Alex
submit
read #major-incidents 1
dm alex 1
## 7. Bad input gets a specific answer and records nothing
as sam
/case new Beam me up service=teleporter
/case new "Laptop fan noisy" for=@nobody
/case new Laptop fan noisy for=@casedesk
/case new @channel everything is broken
/case lsit
/case list everything
/case consult CASE-1001 network 3 Is the VPN concentrator healthy?
## 8. Clocks: a warning at 80 % to people who can act, and a breach (SLA-1, SLA-2)
## Sam records a certificate problem for Jordan: P3, so one hour to the first response, counted on
## Network Operations' round-the-clock calendar. Nobody takes it.
/case new VPN certificate expired at Leeds service=vpn urgency=high impact=moderate for=@jordan
press Record a new case anyway
/case sla CASE-1005
wait 50m
dm sam 1
## Nobody in Network Operations has taken it, and Sam, who recorded it, cannot: his warning pages
## the group's on-call through ROUTE-5's call tree. Kenji, that on-call, was warned too, with
## Take it; the queue card shows the clock at risk.
press Page the group's on-call
dm kenji 2
read #network-queue 1
wait 15m
read #desk-management 1
dm jordan 1
## Kenji promised Alex a contact within the hour and has not been in touch: the promise was a
## clock, and it reminds him (WORK-1).
dm kenji 2
## 9. Status updates of a major incident, at the priority's cadence (SLA-3)
## While time passed, Priya was reminded every 30 minutes that CASE-1001 owes an update.
dm priya 1
as priya
/case update CASE-1001 Mail flows again for 60 % of users; the second cluster catches up by 11:30
read #major-incidents 1
dm alex 1
## The public status page (BCAST-2) at /status shows the same: people outside Slack (the front
## desk, executives on their phones, partner firms) read what is broken, since when, and when the
## next update comes. Only what customers are told is on it: no notes, no names.
status
## Its Atom feed (/status.atom) has one entry per announcement, each with an id that never changes.
feed 3
## 10. Waiting on the requester pauses the clocks (SLA-1)
as kenji
/case wait CASE-1002 Please send us the VPN client log from your laptop
wait 2h
/case sla CASE-1002
/case resume CASE-1002
## 11. A major incident worked together (ROUTE-5, ROUTE-3)
## Priya asks Messaging for help without giving the case away: the call tree pages Tom, their
## on-call, who joins the case channel as an interested party.
as priya
in #case-1001-email-is-down-for-everyone
/case consult messaging 1 Is the mail store healthy after the failover?
dm tom 1
## Priya's shift ends. She hands the case to Marco, who gets the brief and must accept: until he
## does, Priya stays the coordinator.
/case handoff @marco Shift change: failover under way; Tom from Messaging is checking the mail store
dm marco 1
as marco
press Accept
dm alex 1
dm priya 1
## Marco records what he tried: a note on the timeline, internal, never sent to Alex (WORK-4).
## Pinning a message with :pushpin: records it too.
/case note Restarted the transport service on both mail servers; queues drain, OWA still 503
as tom
say The mail store database is corrupt on the second cluster; a repair needs Messaging
as marco
react pushpin
/case history
## The mail store needs Messaging's engineers: Marco escalates along the catalog's route, with a
## reason (ROUTE-4). He stays coordinator until someone in Messaging takes it; Alex is told in
## plain words and the old estimate is void.
/case escalate messaging The mail store database needs a repair by Messaging
read #messaging-queue 1
dm alex 1
## One voice to the customer (BCAST-4): Marco writes to Alex through the desk; Alex's reply in
## the DM comes back to the case channel.
/case tell The cause is found: a damaged mail database. Engineers are repairing it now.
as alex
write CASE-1001: thanks. Can I use my phone for mail in the meantime?
read #case-1001-email-is-down-for-everyone 1
## 12. A P3 taken from the queue, transferred and returned (ROUTE-2, WORK-1, ROUTE-4, ROUTE-7)
as ravi
in #it-help
press Take it in #euc-queue
press 4 h
/case transfer CASE-1003 network The printer is fine; its switch port on floor 2 is dead
dm jordan 1
## Kenji's App Home shows his group's queue with the case and its Take it button.
as kenji
home
press Take it in #network-queue
press 1 h
## The port is fine after all: Kenji returns the case to its owner with the standard note.
/case return CASE-1003 The switch port tests fine; the printer's own network card is faulty
dm ravi 1
## Escalations and transfers are counted apart; reassignments per case is a desk figure.
as dana
/case reassignments
## 13. Resolve, verify with the customer, close (CLOSE-1, CLOSE-2, CLOSE-4, CLOSE-5)
## Ravi replaces the printer's network card and proposes the fix; as coordinator he is asked to
## verify it with Jordan, who answers with one tap. Only then can the case be closed, with a
## closure record whose every field is required.
as ravi
/case resolve CASE-1003 Replaced the printer's network card; test pages print from floor 2
press Verify with the requester
as jordan
dm jordan 1
press Yes, it works
as ravi
/case close CASE-1003
fill Closure code = Resolved
fill Root-cause category = Hardware failure
fill Fix or workaround = Permanent fix
fill Knowledge base = No article was relevant
fill Service = Service fully restored
submit
## Jordan hears it is closed, and gets a short survey: one tap per question (QUAL-1).
dm jordan 2
as jordan
press Yes
press Fast
press Satisfied
as dana
/case surveys
read #euc-queue 1
## 14. First-contact resolution (CLOSE-6): Dana resets Alex's password while on the phone.
as dana
/case new Password expired, cannot log in service=identity urgency=medium for=@alex
press Record a new case anyway
/case resolve CASE-1006 Reset the password with Alex on the phone
/case verify CASE-1006
as alex
press Yes, it works
as dana
/case close CASE-1006
fill Closure code = Resolved
fill Root-cause category = User error or training
fill Fix or workaround = Permanent fix
fill Knowledge base = A knowledge-base article was applied
fill Service = Service fully restored
submit
read #identity-queue 1
## 15. A planned outage (WORK-3): the print-server migration is on the forward schedule of
## change, so a printer case recorded during it says so, and closes in one click.
as dana
/change add printers 2026-11-24 12:00 3h Print server migration
/case new The floor 3 printer does not print service=printers urgency=medium for=@jordan
press Record a new case anyway
dm jordan 1
press Close: planned outage in #euc-queue
read #euc-queue 1
## 16. One outage, many reports (WORK-6): Jordan's "Outlook says disconnected" is the same mail
## outage in other words. The bot shows CASE-1001 anyway, as the open major incident on the same
## service (INTAKE-4). Sam records Jordan's report and links it to CASE-1001: Jordan hears the
## incident's updates and its close.
as sam
/case new Outlook keeps saying disconnected service=email urgency=medium for=@jordan
press Record a new case anyway
/case link CASE-1008 CASE-1001
dm jordan 1
as marco
/case update CASE-1001 The mail database is repaired; mail is flowing again for everyone
dm jordan 1
## Tom of Messaging takes the escalated case, repairs the store and proposes the fix; Alex
## confirms it works; Marco (command center) closes it and, as a P1, it waits for a manager.
as tom
/case take CASE-1001 1h
/case resolve CASE-1001 Repaired the mail store database and re-seeded the second cluster
press Verify with the requester
as alex
press Yes, it works
as marco
/case close CASE-1001
fill Closure code = Resolved
fill Root-cause category = Capacity
fill Fix or workaround = Permanent fix
fill Knowledge base = No article was relevant
fill Service = Service fully restored
submit
as morgan
press Approve the close
## The resolution goes to #major-incidents as a new message, so everyone who read the first
## notice hears of it (BCAST-1); the first notice now says it is closed.
read #major-incidents 2
## CLOSE-5: the close reaches the status page and its feeds too: CASE-1001 is resolved there, with
## what was done, and the feed's newest entry says so.
feed 1
## Jordan's linked case closed with it, in words about his own report.
dm jordan 2
## Alex hears CASE-1001 is closed. No survey this time: she had one for her password case this
## month, and a requester gets at most one per 30 days (QUAL-1).
dm alex 1
## 17. The problem case (CLOSE-5, QUAL-3): a P1 close opens PRB-1 with the case's timeline
## attached; Messaging's supervisor owns it. Tom writes the review and preventive actions with
## owners and due dates (each reminded when due); management approves the report.
read #problem-management 1
as tom
/problem review PRB-1 The second mail store's disk filled and corrupted its database; no alert
/problem action PRB-1 @tom 14d Alert at 80 % disk on every mail store
/problem action PRB-1 @kenji 30d Add the mail stores to the weekly capacity report
/problem submit PRB-1
as morgan
dm morgan 1
press Approve
dm tom 1
read #problem-management 1
## 18. An information request (WORK-5) is answered with knowledge-base links, not pasted text,
## and closes when the requester confirms receipt.
as dana
/case new How do I set an out-of-office reply? type=info service=email for=@jordan
press Record a new case anyway
/case answer CASE-1009 KB-31
as jordan
dm jordan 1
press Got it, thanks
read #messaging-queue 1
## 19. A service request follows the catalog (WORK-5): prerequisites, a manager's authorisation,
## and the catalog's estimate promised to the requester.
as dana
/case new New laptop for Jordan, his is 4 years old type=request service=laptops for=@jordan
press Record a new case anyway
/case request CASE-1010 new-laptop
dm dana 1
as morgan
press Authorise
dm jordan 2
as dana
press 1. met
press 2. met
dm dana 1
## A new service is a request for change for the change queue (or a standard change).
as dana
/case new A payroll report by cost centre type=new service=payroll for=@alex
press Record a new case anyway
/case request CASE-1011 payroll-report
read #change-queue 1
## 20. The requester's own side (INTAKE-1, PERM-2, BCAST-4, CLOSE-4). Lee, in marketing, asks for
## help himself: /case opens the short self-service form, and the priority follows from his
## answers as for every case. The service desk's on-call coordinates it.
as lee
/case
fill What is wrong? = The docking station does not charge my laptop
fill Which service? = Laptops and desktops
fill How badly is your work blocked? = Work is slowed
fill How many people = Only the requester
fill Contact number = +44 20 7946 0042
submit
dm lee 1
## His own view of the case: plain words and the next promise, no staff buttons.
/case show CASE-1012
## A staff command is refused before any form opens, and says what he can do instead.
/case close CASE-1012
## A message about something else is not filed on his open case silently: he is asked first.
write My badge does not open the door to floor 3 any more
dm lee 1
press No, it's something new
fill Which service? = I don't know
fill How badly is your work blocked? = Work is slowed
fill How many people = Only the requester
submit
## The docking station charges again with another cable: Lee withdraws that case himself. Dana,
## its coordinator, is told; no survey follows.
/case withdraw CASE-1012 It charges again with another cable
dm lee 1
dm dana 1
## 21. Automated requests need validation (INTAKE-5). Lee's badge case came from the self-service
## form, so its card in the desk's queue says "needs validation" with Confirm and Correct
## classification. Dana checks it and confirms: the buttons leave the card in place.
as dana
read #desk-queue 1
press Confirm
read #desk-queue 1
## The timeline says who confirmed it, and when (a second Confirm would say so and change nothing).
/case history CASE-1013
## A self-service (or monitoring) case that would be P1 opens no case channel and sends no
## broadcast yet: the command center's on-call is paged to confirm or correct it first.
as jordan
/case
fill What is wrong? = Nobody in sales can send or receive e-mail
fill Which service? = E-mail and calendars
fill How badly is your work blocked? = Work has stopped
fill How many people = Most of the organisation
submit
dm priya 1
read #major-incidents 1
## Priya confirms it: the major path starts at once (case channel, brief, broadcast), and her
## page becomes the major-incident page, with Take it.
as priya
press Confirm
dm priya 1
read #major-incidents 1
## 22. Outside Slack (BCAST-3, CLOSE-5): the e-mails Olu got through the desk's mail relay: the
## confirmation, CASE-1001's notice, each update and its resolution, then the notice of Jordan's
## e-mail outage, in order, each with a one-click unsubscribe link.
mail olu@partner.example
## 23. Lists and search (QUAL-2). Ravi asks for the cases waiting in the queues, most urgent
## first: each row says who has it and when its next SLA clock is due, with Show, and Take it
## where he may take it. Next and Previous read the list again.
as ravi
/case list unassigned
## Search forgives typos ("dokcing" finds "docking") and covers closed cases too.
/case search dokcing station
## A requester lists and searches only their own requests; other lists are for the staff.
as jordan
/case list
/case list all
## 24. The desk lead's Home: Morgan, a manager, sees the whole desk at a glance: open cases by
## group and priority, untaken majors, today's breaches, clocks at risk, handoffs waiting and
## the week's figures, each case with Show (and Take it where he may take it).
as morgan
home
## 25. Alerts from monitoring (INTAKE-1, INTAKE-4, WORK-6, CLOSE-1). Prometheus's Alertmanager
## posts to /alerts/alertmanager; each alert group becomes one case, recorded like every other
## (contact by Monitoring alert, Nora from monitoring as requester, the desk's on-call as
## coordinator) and classified by the rules of config/alerts.yml.
as dana
alert firing MailQueueBacklog instance=mx1 job=postfix severity=critical -- 4,200 messages queued
## Alertmanager repeats a notification until the alert resolves: nothing new, so nothing is
## written and nobody is told.
alert firing MailQueueBacklog instance=mx1 job=postfix severity=critical -- 4,200 messages queued
## A storm: three more groups about e-mail within minutes. Each becomes a child of the first, and
## with three children it would be a major incident by WORK-6's criteria. But it came from
## monitoring and nobody has confirmed it (INTAKE-5): no case channel and no broadcast yet, and
## Priya, the command center's on-call, is paged to confirm or correct it.
alert firing SmtpLatency instance=mx2 job=postfix severity=warning -- delivery takes 40 s
alert firing ImapDown instance=imap1 job=imap severity=critical -- IMAP refuses logins
alert firing TlsHandshakeErrors instance=mx1 job=postfix severity=warning -- 12% of handshakes fail
dm priya 1
## She confirms it: the major path starts at once, and the broadcast goes out.
as priya
press Confirm
read #major-incidents 1
as dana
## A second mail server joins the first group: it goes on the case's timeline and to its
## coordinator.
alert firing MailQueueBacklog instance=mx2 job=postfix severity=critical -- 1,900 messages queued
## Both resolve. Nothing is closed by a machine: the coordinator is asked to propose the
## resolution, and the requester will be asked to confirm it (CLOSE-1, CLOSE-2).
alert resolved MailQueueBacklog instance=mx1 job=postfix severity=critical
alert resolved MailQueueBacklog instance=mx2 job=postfix severity=critical
dm dana 2
## 26. The desk's figures (QUAL-2): Morgan, the manager, reads the whole desk's for the last 7
## days: every rate with the counts behind it, first-contact resolution against its 80 % goal.
as morgan
/case figures
## Olga supervises Network Operations: she reads her own group's figures, and no one else's.
as olga
/case figures 30d group=network
/case figures 30d group=identity
## A requester reads none: Lee is told who may.
as lee
/case figures
## 27. Figures as files (QUAL-2). Morgan, the desk's manager, takes the record to a spreadsheet:
## two CSV files in his DM, one row per case with its clocks, one row per timeline event.
as morgan
/case figures csv 7d
dm morgan 1
## 28. The weekly report (QUAL-2): on Monday at 09:00 desk time (config/reports.yml) the bot posts
## the week's headline figures to the management channel with three charts, once, whichever
## process fires it. `files` writes the charts to disk so you can open them.
wait 6d
read #desk-management 1
files #desk-management
"""
# A Tuesday morning in London, so the business-hours clocks read the same on every run.
DEMO_START = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Europe/London"))


def play(out: IO[str]) -> int:
    relay = StandInRelay().start()  # a real SMTP server on loopback, keeping what it is sent
    settings = dataclasses.replace(load_settings(), database_url="sqlite://", smtp_url=relay.url)
    world = build_world(settings, clock=Clock(start=DEMO_START))
    repl = Repl(world, out, relay=relay)
    try:
        for line in SCRIPT.splitlines():
            if line.startswith("##"):
                repl.print(("\n" if line[3:4].isdigit() else "") + line[3:])
                continue
            repl.print(repl.prompt() + line)
            repl.handle(line)
    finally:
        world.close()
        relay.stop()
    return 0


def transcript() -> str:
    """The whole demo as text (tests read it)."""
    buffer = io.StringIO()
    play(buffer)
    return buffer.getvalue()
