-- The tables of an OpenWPM crawl that Telltale reads, exactly as OpenWPM
-- creates them: openwpm/OpenWPM, openwpm/storage/schema.sql at commit
-- 0098181b0db060d4d0adf454d6009a7982637835 (GPL-3.0). The tests build their
-- crawls in this schema.

CREATE TABLE IF NOT EXISTS task (
    task_id INTEGER PRIMARY KEY AUTOINCREMENT,
    start_time DATETIME DEFAULT CURRENT_TIMESTAMP,
    manager_params TEXT NOT NULL,
    openwpm_version TEXT NOT NULL,
    browser_version TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS crawl (
    browser_id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL,
    browser_params TEXT NOT NULL,
    start_time DATETIME DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY(task_id) REFERENCES task(task_id));

CREATE TABLE IF NOT EXISTS site_visits (
    visit_id INTEGER PRIMARY KEY,
    browser_id INTEGER NOT NULL,
    site_url VARCHAR(500) NOT NULL,
    site_rank INTEGER,
    FOREIGN KEY(browser_id) REFERENCES crawl(browser_id));

CREATE TABLE IF NOT EXISTS http_requests(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incognito INTEGER,
  browser_id INTEGER NOT NULL,
  visit_id INTEGER NOT NULL,
  extension_session_uuid TEXT,
  event_ordinal INTEGER,
  window_id INTEGER,
  tab_id INTEGER,
  frame_id INTEGER,
  url TEXT NOT NULL,
  top_level_url TEXT,
  parent_frame_id INTEGER,
  frame_ancestors TEXT,
  method TEXT NOT NULL,
  referrer TEXT NOT NULL,
  headers TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  is_XHR INTEGER,
  is_third_party_channel INTEGER,
  is_third_party_to_top_window INTEGER,
  triggering_origin TEXT,
  loading_origin TEXT,
  loading_href TEXT,
  req_call_stack TEXT,
  resource_type TEXT NOT NULL,
  post_body TEXT,
  post_body_raw TEXT,
  time_stamp DATETIME NOT NULL
);

CREATE TABLE IF NOT EXISTS http_responses(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incognito INTEGER,
  browser_id INTEGER NOT NULL,
  visit_id INTEGER NOT NULL,
  extension_session_uuid TEXT,
  event_ordinal INTEGER,
  window_id INTEGER,
  tab_id INTEGER,
  frame_id INTEGER,
  url TEXT NOT NULL,
  method TEXT NOT NULL,
  response_status INTEGER,
  response_status_text TEXT NOT NULL,
  is_cached INTEGER NOT NULL,
  headers TEXT NOT NULL,
  request_id INTEGER NOT NULL,
  location TEXT NOT NULL,
  time_stamp DATETIME NOT NULL,
  content_hash TEXT
);

CREATE TABLE IF NOT EXISTS http_redirects(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  incognito INTEGER,
  browser_id INTEGER NOT NULL,
  visit_id INTEGER NOT NULL,
  old_request_url TEXT,
  old_request_id TEXT,
  new_request_url TEXT,
  new_request_id TEXT,
  extension_session_uuid TEXT,
  event_ordinal INTEGER,
  window_id INTEGER,
  tab_id INTEGER,
  frame_id INTEGER,
  response_status INTEGER NOT NULL,
  response_status_text TEXT NOT NULL,
  headers TEXT NOT NULL,
  time_stamp DATETIME NOT NULL
);

CREATE TABLE IF NOT EXISTS javascript(
  id INTEGER PRIMARY KEY,
  incognito INTEGER,
  browser_id INTEGER NOT NULL,
  visit_id INTEGER NOT NULL,
  extension_session_uuid TEXT,
  event_ordinal INTEGER,
  page_scoped_event_ordinal INTEGER,
  window_id INTEGER,
  tab_id INTEGER,
  frame_id INTEGER,
  script_url TEXT,
  script_line TEXT,
  script_col TEXT,
  func_name TEXT,
  script_loc_eval TEXT,
  document_url TEXT,
  top_level_url TEXT,
  call_stack TEXT,
  symbol TEXT,
  operation TEXT,
  value TEXT,
  arguments TEXT,
  time_stamp DATETIME NOT NULL
);

CREATE TABLE IF NOT EXISTS javascript_cookies(
    id INTEGER PRIMARY KEY ASC,
    browser_id INTEGER NOT NULL,
    visit_id INTEGER NOT NULL,
    extension_session_uuid TEXT,
    event_ordinal INTEGER,
    record_type TEXT,
    change_cause TEXT,
    expiry DATETIME,
    is_http_only INTEGER,
    is_host_only INTEGER,
    is_session INTEGER,
    host TEXT,
    is_secure INTEGER,
    name TEXT,
    path TEXT,
    value TEXT,
    same_site TEXT,
    first_party_domain TEXT,
    store_id STRING,
    time_stamp DATETIME
);
