"""The tables of scripts tested against each other, the entry ritual and invite campaigns
(migrations m007 onward; documented in docs/schema/content.md). Append-only, as migrations.py."""

from shequn import run_script

M007 = r"""
CREATE TABLE content_scripts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('post', 'welcome')),  -- post: groups get a version; welcome: members do
    scope TEXT NOT NULL DEFAULT 'all',   -- welcome: all, type:TYPE, family:NAME, group:ID
    seed INTEGER NOT NULL,               -- the recorded seed of the random assignment
    status TEXT NOT NULL DEFAULT 'testing' CHECK (status IN ('testing', 'decided')),
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    decided_at INTEGER
);

CREATE TABLE content_script_versions (
    id INTEGER PRIMARY KEY,
    script_id INTEGER NOT NULL REFERENCES content_scripts(id),
    label TEXT NOT NULL,                 -- A, B, C ...
    item_id INTEGER REFERENCES content_items(id),  -- post: the library item this version posts
    text TEXT NOT NULL DEFAULT '',       -- welcome: the template ({nickname} {group} {rules} {referrer} {theme} {owner})
    retired_at INTEGER,                  -- NULL while it is tested
    retired_by TEXT NOT NULL DEFAULT '',
    UNIQUE (script_id, label)
);

CREATE TABLE content_script_exposures (
    id INTEGER PRIMARY KEY,
    script_id INTEGER NOT NULL REFERENCES content_scripts(id),
    version_id INTEGER NOT NULL REFERENCES content_script_versions(id),
    group_id INTEGER NOT NULL REFERENCES groups(id),
    person_id INTEGER REFERENCES people(id),  -- welcome: the newcomer; NULL for a post
    action_id INTEGER REFERENCES actions(id),
    at INTEGER NOT NULL,                 -- when the platform took it (post) or it was queued (welcome)
    audience INTEGER NOT NULL,           -- post: members (insiders apart) then; welcome: 1
    replies INTEGER NOT NULL DEFAULT 0,  -- members' messages within the hour
    speakers INTEGER NOT NULL DEFAULT 0, -- distinct members who spoke within the hour
    status TEXT NOT NULL DEFAULT 'measuring' CHECK (status IN ('measuring', 'done')),
    key TEXT NOT NULL UNIQUE             -- post:ACTION / welcome:GROUP:PERSON:EVIDENCE: recorded once
);
CREATE INDEX content_script_exposures_open ON content_script_exposures(status, group_id);

CREATE TABLE content_script_speakers (
    exposure_id INTEGER NOT NULL REFERENCES content_script_exposures(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (exposure_id, person_id)
) WITHOUT ROWID;
"""


M008 = r"""
CREATE TABLE content_newcomers (
    group_id INTEGER NOT NULL REFERENCES groups(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    joined_at INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',       -- as the prompt names them (never a platform number)
    prompt_due INTEGER NOT NULL,         -- the self-introduction prompt goes after the welcome
    prompt_action INTEGER REFERENCES actions(id),  -- NULL until prompted ('' prompt: never)
    prompted INTEGER NOT NULL DEFAULT 0,
    introduced_at INTEGER,               -- their introduction, within intro_hours of joining
    intro_text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (group_id, person_id, joined_at)
);
CREATE INDEX content_newcomers_open ON content_newcomers(group_id, introduced_at);

CREATE TABLE content_questions (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES groups(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    evidence TEXT NOT NULL UNIQUE,       -- connection:message id
    message_id TEXT NOT NULL DEFAULT '', -- the platform's message id (an answer may reply to it)
    asker TEXT NOT NULL DEFAULT '',      -- the asker's platform id (an answer may mention them)
    text TEXT NOT NULL,
    asked_at INTEGER NOT NULL,
    answered_at INTEGER,
    answered_by TEXT NOT NULL DEFAULT '',  -- person:ID (an insider) or rule:NAME (a keyword reply)
    task_id INTEGER REFERENCES tasks(id),  -- the owner's-queue task that lists it
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'stale'))
);
CREATE INDEX content_questions_open ON content_questions(status, group_id);
"""


M009 = r"""
CREATE TABLE content_campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL DEFAULT 'all',   -- all, type:TYPE, family:NAME, group:ID: joins into these groups count
    goal INTEGER NOT NULL,               -- friends each member is asked to invite
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    reward INTEGER NOT NULL,             -- points for reaching the goal (once per member)
    per_invite INTEGER NOT NULL DEFAULT 0,  -- points per counted invite, up to the goal
    status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ended')),
    created_by TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE content_campaign_invites (
    campaign_id INTEGER NOT NULL REFERENCES content_campaigns(id),
    invitee_id INTEGER NOT NULL REFERENCES people(id),   -- counted once per campaign, however many groups
    inviter_id INTEGER NOT NULL REFERENCES people(id),
    group_id INTEGER NOT NULL REFERENCES groups(id),
    joined_at INTEGER NOT NULL,
    counted INTEGER NOT NULL,            -- 1; 0 when not counted (see note)
    note TEXT NOT NULL DEFAULT '',       -- level:N (beyond the two-level limit), rejoin, insider
    PRIMARY KEY (campaign_id, invitee_id)
);
CREATE INDEX content_campaign_invites_inviter ON content_campaign_invites(campaign_id, inviter_id);
"""


def m007_scripts(store) -> None:
    run_script(store, M007)


def m008_entry_ritual(store) -> None:
    run_script(store, M008)


def m009_campaigns(store) -> None:
    run_script(store, M009)


def m010_newcomers_due(store) -> None:
    """Batches ask for the prompts due and for their speakers' open introductions: indexes for both."""
    run_script(store, "CREATE INDEX content_newcomers_due ON content_newcomers(prompted, prompt_due);\n"
                      "CREATE INDEX content_newcomers_person ON content_newcomers(person_id, joined_at);\n")


def m011_questions_waiting(store) -> None:
    """Ingest and the job look up only open questions (an answer's group's recent ones, the one
    it replies to, the asker it mentions; the overdue and the stale): a partial index holding
    just those, with the columns read, replaces the index of every question by status and group.
    A question answered in the batch that asks it (most are) goes into no index but its key's."""
    run_script(store, "DROP INDEX content_questions_open;\n"
                      "CREATE INDEX content_questions_waiting ON content_questions(group_id, asked_at, message_id,"
                      " asker) WHERE status = 'open';\n")
