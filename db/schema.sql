-- Generated from cfmonitor/data/schema.py; do not edit by hand.
-- Regenerate: python -m cfmonitor.data.schema > db/schema.sql
PRAGMA user_version = 2;

CREATE TABLE teams (
	id INTEGER NOT NULL,
	name TEXT NOT NULL,
	service_area TEXT NOT NULL,
	establishment_fte REAL DEFAULT 0 NOT NULL,
	PRIMARY KEY (id),
	CHECK (establishment_fte >= 0),
	UNIQUE (name)
);

CREATE TABLE workers (
	id INTEGER NOT NULL,
	staff_ref TEXT NOT NULL,
	name TEXT NOT NULL,
	team_id INTEGER NOT NULL,
	cohort TEXT NOT NULL,
	fte REAL NOT NULL,
	employment TEXT NOT NULL,
	start_date DATE NOT NULL,
	end_date DATE,
	PRIMARY KEY (id),
	CHECK (fte > 0 AND fte <= 1),
	CHECK (employment IN ('permanent','agency')),
	UNIQUE (staff_ref),
	FOREIGN KEY(team_id) REFERENCES teams (id)
);

CREATE TABLE reductions (
	id INTEGER NOT NULL,
	worker_id INTEGER NOT NULL,
	reason TEXT NOT NULL,
	percent REAL NOT NULL,
	start_date DATE NOT NULL,
	end_date DATE,
	PRIMARY KEY (id),
	CHECK (percent > 0 AND percent <= 100),
	FOREIGN KEY(worker_id) REFERENCES workers (id)
);

CREATE TABLE cases (
	id INTEGER NOT NULL,
	case_ref TEXT NOT NULL,
	team_id INTEGER NOT NULL,
	case_type TEXT NOT NULL,
	complexity TEXT NOT NULL,
	opened_on DATE NOT NULL,
	closed_on DATE,
	family_ref TEXT,
	PRIMARY KEY (id),
	CHECK (complexity IN ('standard','complex','intense')),
	UNIQUE (case_ref),
	FOREIGN KEY(team_id) REFERENCES teams (id)
);

CREATE TABLE allocations (
	id INTEGER NOT NULL,
	case_id INTEGER NOT NULL,
	worker_id INTEGER NOT NULL,
	start_date DATE NOT NULL,
	end_date DATE,
	PRIMARY KEY (id),
	FOREIGN KEY(case_id) REFERENCES cases (id),
	FOREIGN KEY(worker_id) REFERENCES workers (id)
);

CREATE TABLE imports (
	id INTEGER NOT NULL,
	source TEXT NOT NULL,
	extract_date DATE,
	imported_at TEXT NOT NULL,
	PRIMARY KEY (id)
);

CREATE INDEX ix_allocations_worker ON allocations (worker_id);

CREATE INDEX ix_allocations_case ON allocations (case_id);

CREATE INDEX ix_workers_team ON workers (team_id);

CREATE INDEX ix_cases_team ON cases (team_id);

CREATE INDEX ix_cases_opened ON cases (opened_on);

CREATE INDEX ix_cases_closed ON cases (closed_on);

CREATE INDEX ix_reductions_worker ON reductions (worker_id);
