// The authorisation matrix: every /api/v1 route of
// `yorisoi routes` × every role (none, counsellor, supervisor, officer of the hub, officer of another
// unit, analyst, admin) × own-tenant / other-tenant object → the status written out below. The table is
// the expectation, not the server's permission field: a route the server has and the table lacks (or
// the reverse) fails the test. Requests carry valid bodies and the CSRF token, and state is set up so
// that an allowed role gets its 2xx; so a status here is about authorisation, not validation or state.
// Per-event WebSocket rules (officers and other tenants get no consultation events) are tested in
// events.test.mjs; here the stream is only the upgrade (401 without a session, 101 for every role).
// The officer of another unit is a column of its own, and referral routes have an
// "other_unit" scope: a referral sent to a unit other than that officer's (see referralObjects).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';

import { recordFigures } from '../reliability/figures.mjs';

import {
  anonymous, as, closeStream, consultationReferrals, forward, newConsultation, officerPath, openStream, proposal,
  referralAtHub, referralAwaiting, referralPath, residentSays, skipUnlessReady, totpCode, units, useStack,
} from './support.mjs';

const stack = useStack();

// Columns of every row, in this order. 'officer' belongs to the hub, 'officer2' to another unit (a
// department).
const roles = ['none', 'counsellor', 'supervisor', 'officer', 'officer2', 'analyst', 'admin'];
const roleTitles = ['none', 'couns', 'super', 'off-hub', 'off-unit', 'analyst', 'admin'];

// Scopes of object routes: 'own' = a yamagata actor on a yamagata object; 'other' = a yamagata actor on
// a tendo object; 'other_rev' = a tendo actor on a yamagata object (the same rule the other way round);
// 'other_unit' (referral routes of officers) = a yamagata referral sent to a unit other than officer2's.
// Other tenant → 404 for a role that passes the permission check, 403 for one that does not, 401
// without a session (checked for the table itself below). 101 = the WebSocket upgrade succeeded.
// Which referral each officer row's scopes use (a fresh one in that state where the cell is a 2xx):
//   officer_referral  own: forwarded to officer2's department    other_unit: at the hub only
//   forward_referral  own: at the hub (officer2's unit does not see it)
//   answer_referral   own: forwarded to officer2's department    other_unit: forwarded to the platform group
//                     (the hub sees both but is no recipient: 422 not_recipient_officer, as the store says;
//                     at the hub, the same route is the hub answering itself: referrals.test.mjs)
//   return_referral   own: answered by officer2's department     other_unit: answered by the platform group
//                     (officer2 sees the first but is not the hub: 422 not_hub_officer)
// Counsellors' referral routes use a referral of the consultation in the state the route needs.
const expected = {
  login: { route: 'POST /api/v1/session', any: [200, 200, 200, 200, 200, 200, 200] },
  get_session: { route: 'GET /api/v1/session', any: [401, 200, 200, 200, 200, 200, 200] },
  logout: { route: 'DELETE /api/v1/session', any: [401, 204, 204, 204, 204, 204, 204] },
  logout_everywhere: { route: 'POST /api/v1/session/logout-everywhere', any: [401, 204, 204, 204, 204, 204, 204] },
  change_password: { route: 'POST /api/v1/me/password', any: [401, 204, 204, 204, 204, 204, 204] },
  get_tenant: { route: 'GET /api/v1/tenant', any: [401, 200, 200, 200, 200, 200, 200] },
  begin_totp: { route: 'POST /api/v1/session/totp', any: [401, 201, 201, 201, 201, 201, 201] },
  confirm_totp: { route: 'POST /api/v1/session/totp/confirmation', any: [401, 200, 200, 200, 200, 200, 200] },
  disable_totp: { route: 'POST /api/v1/session/totp/disable', any: [401, 204, 204, 204, 204, 204, 204] },
  reset_totp: {
    route: 'DELETE /api/v1/staff/{user_id}/totp',
    own: [401, 403, 403, 403, 403, 403, 204],
    other: [401, 403, 403, 403, 403, 403, 404],
    other_rev: [401, 403, 403, 403, 403, 403, 404],
  },
  list_staff: { route: 'GET /api/v1/staff', any: [401, 403, 403, 403, 403, 403, 200] },
  create_staff: { route: 'POST /api/v1/staff', any: [401, 403, 403, 403, 403, 403, 201] },
  update_staff: {
    route: 'PATCH /api/v1/staff/{user_id}',
    own: [401, 403, 403, 403, 403, 403, 200],
    other: [401, 403, 403, 403, 403, 403, 404],
    other_rev: [401, 403, 403, 403, 403, 403, 404],
  },
  // The admin confirms (or cancels) a raise another admin of its tenant made (Actors.pendingRaise).
  confirm_role: {
    route: 'POST /api/v1/staff/{user_id}/role-confirmation',
    own: [401, 403, 403, 403, 403, 403, 200],
    other: [401, 403, 403, 403, 403, 403, 404],
    other_rev: [401, 403, 403, 403, 403, 403, 404],
  },
  cancel_role: {
    route: 'DELETE /api/v1/staff/{user_id}/pending-role',
    own: [401, 403, 403, 403, 403, 403, 200],
    other: [401, 403, 403, 403, 403, 403, 404],
    other_rev: [401, 403, 403, 403, 403, 403, 404],
  },
  list_assignees: { route: 'GET /api/v1/assignees', any: [401, 403, 200, 403, 403, 403, 403] },
  get_queue: { route: 'GET /api/v1/queue', any: [401, 200, 200, 403, 403, 403, 403] },
  get_queue_counts: { route: 'GET /api/v1/queue/counts', any: [401, 200, 200, 403, 403, 403, 403] },
  get_queue_row: {
    route: 'GET /api/v1/queue/{consultation_id}',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  get_consultation: {
    route: 'GET /api/v1/consultations/{consultation_id}',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  claim: {
    route: 'POST /api/v1/consultations/{consultation_id}/claim',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  release: {
    route: 'POST /api/v1/consultations/{consultation_id}/release',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  transfer: {
    route: 'POST /api/v1/consultations/{consultation_id}/transfer',
    own: [401, 403, 200, 403, 403, 403, 403],
    other: [401, 403, 404, 403, 403, 403, 403],
    other_rev: [401, 403, 404, 403, 403, 403, 403],
  },
  reply: {
    route: 'POST /api/v1/consultations/{consultation_id}/messages',
    own: [401, 201, 201, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  set_tags: {
    route: 'PUT /api/v1/consultations/{consultation_id}/tags',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  add_note: {
    route: 'POST /api/v1/consultations/{consultation_id}/notes',
    own: [401, 201, 201, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  close: {
    route: 'POST /api/v1/consultations/{consultation_id}/close',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  reopen: {
    route: 'POST /api/v1/consultations/{consultation_id}/reopen',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  // The holder typing a reply (LINE's loading animation): allowed like a reply.
  typing: {
    route: 'POST /api/v1/consultations/{consultation_id}/typing',
    own: [401, 204, 204, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  // Risk levels: readers of conversations only.
  set_risk: {
    route: 'PUT /api/v1/consultations/{consultation_id}/risk',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  risk_history: {
    route: 'GET /api/v1/consultations/{consultation_id}/risk',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  // The resident across consultations: readers of conversations only (admins and analysts read no text).
  resident_history: {
    route: 'GET /api/v1/residents/{resident_id}/consultations',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  resident_notes: {
    route: 'GET /api/v1/residents/{resident_id}/notes',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  set_resident_note: {
    route: 'POST /api/v1/residents/{resident_id}/notes',
    own: [401, 201, 201, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  // The search: readers of conversations only, always within the caller's tenant.
  search_consultations: { route: 'POST /api/v1/consultations/search', any: [401, 200, 200, 403, 403, 403, 403] },
  // On shift: one's presence (readers of conversations), the whole shift (supervisors), a person's
  // capacity (supervisors and admins; officers and analysts get none of it).
  get_presence: { route: 'GET /api/v1/me/presence', any: [401, 200, 200, 403, 403, 403, 403] },
  set_presence: { route: 'PUT /api/v1/me/presence', any: [401, 200, 200, 403, 403, 403, 403] },
  get_shift: { route: 'GET /api/v1/shift', any: [401, 403, 200, 403, 403, 403, 403] },
  // The supervisor's whisper to the assigned counsellor: supervisors only.
  whisper: {
    route: 'POST /api/v1/consultations/{consultation_id}/whisper',
    own: [401, 403, 201, 403, 403, 403, 403],
    other: [401, 403, 404, 403, 403, 403, 403],
    other_rev: [401, 403, 404, 403, 403, 403, 403],
  },
  set_capacity: {
    route: 'PUT /api/v1/staff/{user_id}/capacity',
    own: [401, 403, 200, 403, 403, 403, 200],
    other: [401, 403, 404, 403, 403, 403, 404],
    other_rev: [401, 403, 404, 403, 403, 403, 404],
  },
  list_events: { route: 'GET /api/v1/events', any: [401, 200, 200, 200, 200, 200, 200] },
  stream: { route: 'GET /api/v1/stream', any: [401, 101, 101, 101, 101, 101, 101] },
  // Referrals.
  list_referrals: {
    route: 'GET /api/v1/consultations/{consultation_id}/referrals',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  propose_referral: {
    route: 'POST /api/v1/consultations/{consultation_id}/referrals',
    own: [401, 201, 201, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  record_consent: {
    route: 'POST /api/v1/referrals/{referral_id}/consent',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  withdraw_consent: {
    route: 'POST /api/v1/referrals/{referral_id}/withdraw',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  emergency_referral: {
    route: 'POST /api/v1/referrals/{referral_id}/emergency',
    own: [401, 403, 200, 403, 403, 403, 403],
    other: [401, 403, 404, 403, 403, 403, 403],
    other_rev: [401, 403, 404, 403, 403, 403, 403],
  },
  close_referral: {
    route: 'POST /api/v1/referrals/{referral_id}/close',
    own: [401, 200, 200, 403, 403, 403, 403],
    other: [401, 404, 404, 403, 403, 403, 403],
    other_rev: [401, 404, 404, 403, 403, 403, 403],
  },
  officer_inbox: { route: 'GET /api/v1/officer/referrals', any: [401, 403, 403, 200, 200, 403, 403] },
  officer_referral: {
    route: 'GET /api/v1/officer/referrals/{referral_id}',
    own: [401, 403, 403, 200, 200, 403, 403],
    other_unit: [401, 403, 403, 200, 404, 403, 403],
    other: [401, 403, 403, 404, 404, 403, 403],
    other_rev: [401, 403, 403, 404, 404, 403, 403],
  },
  forward_referral: {
    route: 'POST /api/v1/officer/referrals/{referral_id}/forward',
    own: [401, 403, 403, 200, 404, 403, 403],
    other: [401, 403, 403, 404, 404, 403, 403],
    other_rev: [401, 403, 403, 404, 404, 403, 403],
  },
  answer_referral: {
    route: 'POST /api/v1/officer/referrals/{referral_id}/answer',
    own: [401, 403, 403, 422, 200, 403, 403],
    other_unit: [401, 403, 403, 422, 404, 403, 403],
    other: [401, 403, 403, 404, 404, 403, 403],
    other_rev: [401, 403, 403, 404, 404, 403, 403],
  },
  return_referral: {
    route: 'POST /api/v1/officer/referrals/{referral_id}/return',
    own: [401, 403, 403, 200, 422, 403, 403],
    other_unit: [401, 403, 403, 200, 404, 403, 403],
    other: [401, 403, 403, 404, 404, 403, 403],
    other_rev: [401, 403, 403, 404, 404, 403, 403],
  },
  // Reports: read_reports (supervisor, analyst, admin). No object: the figures are always the
  // actor's own tenant's (reports.test.mjs checks that a tendo analyst never sees yamagata's).
  report_summary: { route: 'GET /api/v1/reports/summary', any: [401, 403, 200, 403, 403, 200, 200] },
  report_csv: { route: 'GET /api/v1/reports/summary.csv', any: [401, 403, 200, 403, 403, 200, 200] },
};

// Routes outside /api/v1 answer without a session (a signed webhook is authorised by its signature).
// The console files exist when the console was built next to the binary; otherwise /console/ is 404.
const consoleBuilt = () => existsSync(join(dirname(resolve(process.env.YORISOI_BIN)), 'console', 'index.html'));
const publicRoutes = {
  healthz: { route: 'GET /healthz', path: '/healthz', status: () => 200 },
  readyz: { route: 'GET /readyz', path: '/readyz', status: () => 200 },
  metrics: { route: 'GET /metrics', path: '/metrics', status: () => 200 },
  root: { route: 'GET /', path: '/', status: () => 302 },
  console_redirect: { route: 'GET /console', path: '/console', status: () => 301 },
  console_file: { route: 'GET /console/{path...}', path: '/console/', status: () => (consoleBuilt() ? 200 : 404) },
  line_webhook: { route: 'POST /webhook/line/{channel_key}', webhook: true, status: () => 200 },
  link_redirect: { route: 'GET /l/{code}', path: '/l/web-ads', status: () => 302 },
};

const scopesOf = (entry) => (entry.any ? ['any'] : ['own', ...(entry.other_unit ? ['other_unit'] : []), 'other', 'other_rev']);
const isAllowed = (status) => status >= 200 && status < 300;
const errorCodes = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 422: 'invalid' };

// ---- the stack's actors and objects ------------------------------------------------------------------

// Every id-like field ("…_id", not the integer event cursor) seen in any answer, in arrival order.
const seenIds = new Map();  // field -> [value]

function collectIds(json) {
  if (Array.isArray(json)) {
    json.forEach(collectIds);
  } else if (json && typeof json === 'object') {
    for (const [key, value] of Object.entries(json)) {
      // Unit ids are the tenant's configured names (e.g. "seishin-hoken"), not object ids.
      if (key.endsWith('_id') && key !== 'event_id' && key !== 'unit_id' && value !== null) {
        (seenIds.get(key) ?? seenIds.set(key, []).get(key)).push(value);
      }
      collectIds(value);
    }
  }
}

function watched(client) {
  const request = client.request.bind(client);
  client.request = async (...args) => {
    const answer = await request(...args);
    collectIds(answer.json);
    return answer;
  };
  return client;
}

class Actors {
  constructor(s) {
    this.stack = s;
    this.clients = { yamagata: {}, tendo: {} };
    this.passwordChanges = 0;
    this.staffMade = 0;
  }

  async signIn(tenant, role) {
    return watched(await as(this.stack, tenant, role));
  }

  // The client of `role` in `tenant`; 'none' is a client without a session. It sends a made-up CSRF
  // token on state-changing calls: without a session no token can be right, so the answer is about
  // the missing session.
  async client(tenant, role) {
    if (role === 'none') {
      const client = watched(anonymous(this.stack));
      client.csrfToken = 'no-session-so-no-valid-token';
      return client;
    }
    this.clients[tenant][role] ??= await this.signIn(tenant, role);
    return this.clients[tenant][role];
  }

  // The role's main client lost its session (logout everywhere, password change): sign in again.
  async renew(tenant, role) {
    this.clients[tenant][role] = await this.signIn(tenant, role);
  }

  async userId(tenant, role) {
    return (await this.client(tenant, role)).session.user.user_id;
  }

  // A new yamagata account whose raise to counsellor awaits confirmation: made by a second admin of
  // the tenant (added once), so that the matrix's admin may confirm or cancel it.
  async pendingRaise() {
    if (!this.secondAdmin) {
      this.stack.users.yamagata.adminSecond = await this.stack.addUser({
        tenant: 'yamagata', login: 'yamagata-admin-second', name: '第二管理者', role: 'admin', password: 'second-admin-long-password',
      });
      this.secondAdmin = await this.signIn('yamagata', 'adminSecond');
    }
    const made = await this.secondAdmin.post('/api/v1/staff', {
      login: `yamagata-raise-${++this.staffMade}`, display_name: '確認待ち', role: 'counsellor', password: 'long-enough-password',
    });
    assert.equal(made.json?.pending_role, 'counsellor', `setting up a raise: ${made.status} ${made.text}`);
    return made.json.user_id;
  }
}

// Objects of each tenant that stay put: a waiting consultation, a staff account to patch, and referrals
// in the states the referral rows need (yamagata; tendo's one referral serves every other-tenant cell).
async function standingObjects(actors) {
  const s = actors.stack;
  const objects = {};
  for (const tenant of ['yamagata', 'tendo']) {
    const worker = await actors.client(tenant, 'supervisor');
    const { id, item } = await newConsultation(s, worker, tenant, '相談したいことがあります');
    objects[tenant] = { consultation: id, resident: item.resident_id, staff: await actors.userId(tenant, 'counsellor2') };
  }
  const make = referralMaker(actors);
  const y = units.yamagata;
  Object.assign(objects.yamagata, {
    awaiting: await make.awaiting(),
    atHub: await make.atHub(),
    toUnit: await make.forwarded(y.department),
    toGroup: await make.forwarded(y.group),
    answeredUnit: await make.answered(y.department, 'officer2'),
    answeredGroup: await make.answered(y.group, 'officer3'),
  });
  const tendo = await referralAtHub(s, await actors.client('tendo', 'supervisor'), 'tendo');
  const one = { rid: tendo.rid, messageId: tendo.messageId };
  Object.assign(objects.tendo, {
    awaiting: one, atHub: one, toUnit: one, toGroup: one, answeredUnit: one, answeredGroup: one,
  });
  return objects;
}

// Yamagata referrals made on demand, each on a consultation of its own: {rid, messageId} (messageId: a
// resident's message after the consent request, usable to record consent or its withdrawal).
function referralMaker(actors) {
  const s = actors.stack;
  const worker = () => actors.client('yamagata', 'supervisor');
  const officer = (key) => actors.client('yamagata', key);
  const maker = {
    async awaiting() {
      const w = await worker();
      const r = await referralAwaiting(s, w, 'yamagata');
      return { rid: r.rid, messageId: await residentSays(s, w, 'yamagata', r.userId, r.id, 'はい、伝えてください') };
    },
    async atHub() {
      const r = await referralAtHub(s, await worker(), 'yamagata');
      return { rid: r.rid, messageId: r.messageId };
    },
    async forwarded(unit) {
      const r = await maker.atHub();
      await forward(await officer('officer'), r.rid, [unit]);
      return r;
    },
    async answered(unit, key) {
      const r = await maker.forwarded(unit);
      const answer = await (await officer(key)).post(officerPath(r.rid, 'answer'), { text: '面談します' });
      assert.equal(answer.status, 200, `setting up an answer: ${answer.status} ${answer.text}`);
      return r;
    },
    async returned() {
      const r = await maker.answered(units.yamagata.department, 'officer2');
      const answer = await (await officer('officer')).post(officerPath(r.rid, 'return'));
      assert.equal(answer.status, 200, `setting up a return: ${answer.status} ${answer.text}`);
      return r;
    },
  };
  return maker;
}

// ---- the requests -------------------------------------------------------------------------------------

const consultationPath = (id, action) => `/api/v1/consultations/${id}${action ? `/${action}` : ''}`;

// A fresh waiting consultation of yamagata, brought into the state where `client` (an allowed role)
// gets a 2xx for `name`.
async function freshConsultation(actors, name, client) {
  const worker = await actors.client('yamagata', 'supervisor');
  const { id } = await newConsultation(actors.stack, worker, 'yamagata');
  const step = async (who, action) => {
    const answer = await who.post(consultationPath(id, action));
    assert.equal(answer.status, 200, `setting up ${name}: ${action} → ${answer.status} ${answer.text}`);
  };
  if (['release', 'reply', 'set_tags', 'close', 'reopen', 'typing'].includes(name)) {
    await step(client, 'claim');
  }
  if (name === 'transfer' || name === 'whisper') {
    await step(await actors.client('yamagata', 'counsellor'), 'claim');
  }
  if (name === 'reopen') {
    await step(client, 'close');
  }
  return id;
}

// Consultation routes: [method, action, body(actors, actorTenant)].
const consultationCalls = {
  get_consultation: ['GET', '', null],
  claim: ['POST', 'claim', null],
  release: ['POST', 'release', null],
  transfer: ['POST', 'transfer', async (actors, tenant) => ({ to_user_id: await actors.userId(tenant, 'counsellor2') })],
  reply: ['POST', 'messages', async () => ({ text: 'お話ししてくださってありがとうございます。' })],
  set_tags: ['PUT', 'tags', async () => ({ categories: ['家族関係'], age_band: null })],
  add_note: ['POST', 'notes', async () => ({ text: '次回は家族のことを聞く' })],
  whisper: ['POST', 'whisper', async () => ({ text: '次は安全確認を' })],
  set_risk: ['PUT', 'risk', async () => ({ level: 'medium', reason: '眠れない日が続いている' })],
  risk_history: ['GET', 'risk', null],
  close: ['POST', 'close', null],
  reopen: ['POST', 'reopen', null],
  typing: ['POST', 'typing', null],
};

const emergencyBasis = { legal_basis: 'appi_27_1_2', reason: '生命の危険があり本人の同意を得る時間がない' };

// Referral routes: one request of route `name` by `client`. `fresh`: the cell expects a 2xx, so the
// referral is made anew in the state the route needs (the standing ones stay as they are).
async function referralRequest(actors, objects, name, scope, fresh, client) {
  const o = objects[scope === 'other' ? 'tendo' : 'yamagata'];
  const make = referralMaker(actors);
  const y = units.yamagata;
  const pick = async (standing, makeOne) => (fresh ? makeOne() : standing);
  switch (name) {
    case 'list_referrals':
      return client.get(consultationReferrals(o.consultation));
    case 'propose_referral':
      return client.post(consultationReferrals(o.consultation), proposal());
    case 'record_consent': {
      const r = await pick(o.awaiting, make.awaiting);
      return client.post(referralPath(r.rid, 'consent'), { granted: true, message_id: r.messageId });
    }
    case 'withdraw_consent': {
      const r = await pick(o.awaiting, make.awaiting);
      return client.post(referralPath(r.rid, 'withdraw'), { message_id: r.messageId });
    }
    case 'emergency_referral':
      return client.post(referralPath((await pick(o.awaiting, make.awaiting)).rid, 'emergency'), emergencyBasis);
    case 'close_referral':
      return client.post(referralPath((await pick(o.awaiting, make.returned)).rid, 'close'));
    case 'officer_inbox':
      return client.get(officerPath());
    case 'officer_referral':
      return client.get(officerPath((scope === 'other_unit' ? o.atHub : o.toUnit).rid));
    case 'forward_referral':
      return client.post(officerPath((await pick(o.atHub, make.atHub)).rid, 'forward'), { unit_ids: [y.department] });
    case 'answer_referral': {
      const r = scope === 'other_unit'
        ? await pick(o.toGroup, () => make.forwarded(y.group))
        : await pick(o.toUnit, () => make.forwarded(y.department));
      return client.post(officerPath(r.rid, 'answer'), { text: '来週面談します' });
    }
    case 'return_referral': {
      const r = scope === 'other_unit'
        ? await pick(o.answeredGroup, () => make.answered(y.group, 'officer3'))
        : await pick(o.answeredUnit, () => make.answered(y.department, 'officer2'));
      return client.post(officerPath(r.rid, 'return'));
    }
    default:
      return null;
  }
}

// One request of route `name` by `role` in `scope`; answers {status, json}. `allowed`: the table
// expects a 2xx, so the state is set up for it (fresh objects where the call changes state).
async function perform(actors, objects, name, role, scope, allowed) {
  const actorTenant = scope === 'other_rev' ? 'tendo' : 'yamagata';
  const objectTenant = scope === 'other' ? 'tendo' : 'yamagata';
  const client = await actors.client(actorTenant, role);
  const s = actors.stack;
  const referral = await referralRequest(actors, objects, name, scope, allowed && ['own', 'other_unit'].includes(scope), client);
  if (referral) {
    return referral;
  }
  const fresh = async () => {
    // A client of its own, so that ending its session leaves the role's main client alone.
    return role === 'none' ? client : actors.signIn(actorTenant, role);
  };
  if (consultationCalls[name]) {
    const [method, action, body] = consultationCalls[name];
    const id = allowed && scope === 'own' && name !== 'get_consultation'
      ? await freshConsultation(actors, name, client)
      : objects[objectTenant].consultation;
    return client.request(method, consultationPath(id, action), body ? await body(actors, actorTenant) : undefined);
  }
  switch (name) {
    case 'login': {
      const user = s.user(actorTenant, role === 'none' ? 'counsellor' : role);
      // 'none' signs in as the counsellor; a role already signed in signs in again with its own client
      // (which keeps the new session).
      const answer = await client.login(user.login, user.password);
      if (answer.status === 200 && role !== 'none') {
        client.session = answer.json;
      }
      return answer;
    }
    case 'get_session':
      return client.get('/api/v1/session');
    case 'logout':
      return (await fresh()).delete('/api/v1/session');
    case 'logout_everywhere': {
      const answer = await (await fresh()).post('/api/v1/session/logout-everywhere');
      if (role !== 'none') {
        await actors.renew(actorTenant, role);
      }
      return answer;
    }
    case 'change_password': {
      const user = role === 'none' ? s.user(actorTenant, 'counsellor') : s.user(actorTenant, role);
      const next = `matrix-${role}-${++actors.passwordChanges}-long-password`;
      const answer = await (await fresh()).post('/api/v1/me/password', { current_password: user.password, new_password: next });
      if (answer.status === 204) {
        user.password = next;
        await actors.renew(actorTenant, role);
      }
      return answer;
    }
    case 'get_tenant':
      return client.get('/api/v1/tenant');
    // The factor is confirmed and then disabled again at once (with a recovery code), so that the
    // role's later sign-ins in this matrix need no code.
    case 'begin_totp':
      return client.post('/api/v1/session/totp', {});
    case 'confirm_totp':
    case 'disable_totp': {
      const begun = await client.post('/api/v1/session/totp', {});
      const confirmed = await client.post('/api/v1/session/totp/confirmation', { code: begun.status === 201 ? totpCode(begun.json.secret) : '000000' });
      if (confirmed.status !== 200) {
        return confirmed;
      }
      const user = s.user(actorTenant, role);
      const disabled = await client.post('/api/v1/session/totp/disable', { password: user.password, code: confirmed.json.recovery_codes[0] });
      assert.equal(disabled.status, 204, disabled.text);
      return name === 'confirm_totp' ? confirmed : disabled;
    }
    case 'reset_totp':
      return client.delete(`/api/v1/staff/${objects[objectTenant].staff}/totp`);
    case 'list_staff':
      return client.get('/api/v1/staff');
    case 'create_staff':
      return client.post('/api/v1/staff', {
        login: `yamagata-matrix-${++actors.staffMade}`, display_name: '行列テスト', role: 'counsellor', password: 'long-enough-password',
      });
    case 'update_staff':
      return client.patch(`/api/v1/staff/${objects[objectTenant].staff}`, { display_name: '相談員B' });
    case 'confirm_role':
    case 'cancel_role': {
      const id = allowed && scope === 'own' ? await actors.pendingRaise() : objects[objectTenant].staff;
      return name === 'confirm_role'
        ? client.post(`/api/v1/staff/${id}/role-confirmation`)
        : client.delete(`/api/v1/staff/${id}/pending-role`);
    }
    case 'list_assignees':
      return client.get('/api/v1/assignees');
    case 'get_presence':
      return client.get('/api/v1/me/presence');
    case 'set_presence':
      return client.put('/api/v1/me/presence', { status: 'away' });
    case 'get_shift':
      return client.get('/api/v1/shift');
    // Back to the tenant's default: the matrix leaves no limit behind.
    case 'set_capacity':
      return client.put(`/api/v1/staff/${objects[objectTenant].staff}/capacity`, { capacity: null });
    case 'resident_history':
      return client.get(`/api/v1/residents/${objects[objectTenant].resident}/consultations`);
    case 'resident_notes':
      return client.get(`/api/v1/residents/${objects[objectTenant].resident}/notes`);
    case 'set_resident_note':
      return client.post(`/api/v1/residents/${objects[objectTenant].resident}/notes`, { text: '夜に連絡が多い' });
    case 'search_consultations':
      return client.post('/api/v1/consultations/search', { words: '話を' });
    case 'report_summary':
      return client.get('/api/v1/reports/summary?from=2026-04-01&to=2027-03-31');
    case 'report_csv':
      return client.get('/api/v1/reports/summary.csv?from=2026-04-01&to=2027-03-31');
    case 'get_queue':
      return client.get('/api/v1/queue?view=open');
    case 'get_queue_counts':
      return client.get('/api/v1/queue/counts');
    case 'get_queue_row':
      return client.get(`/api/v1/queue/${objects[objectTenant].consultation}`);
    case 'list_events':
      return client.get('/api/v1/events');
    case 'stream':
      try {
        await closeStream(await openStream(client));
        return { status: 101, json: null };
      } catch (error) {
        if (error.status) {
          return { status: error.status, json: null };
        }
        throw error;
      }
    default:
      throw new Error(`no request for route ${name}: add it to perform()`);
  }
}

// ---- printing ----------------------------------------------------------------------------------------

function printMatrix(actual, routeTable) {
  const permissionOf = new Map(routeTable.map((r) => [r.name, r.permission ?? 'none']));
  const rows = [];
  for (const [name, entry] of Object.entries(expected)) {
    for (const scope of scopesOf(entry)) {
      const cells = roles.map((role, i) => {
        const got = actual.get(`${name}|${scope}|${role}`);
        const want = entry[scope][i];
        return got === want ? String(got) : `${got ?? '-'}≠${want}`;
      });
      rows.push([`${name}${scope === 'any' ? '' : ` (${scope})`}`, permissionOf.get(name) ?? '?', ...cells]);
    }
  }
  const header = ['route (scope)', 'permission', ...roleTitles];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(['', 'authorisation matrix (status per role; own = yamagata actor and object, other = tendo object,',
    'other_rev = tendo actor on a yamagata object, other_unit = a referral sent to a unit other than off-unit\'s;',
    '"a≠b" = got a, expected b):', line(header),
    line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''].join('\n'));
}

// ---- the tests ----------------------------------------------------------------------------------------

async function routeTable(s) {
  const result = await s.cli(['routes', '--config', s.configFile]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test('every route of `yorisoi routes` has an entry in the matrix, and every entry a route', async (t) => {
  if (skipUnlessReady(t)) return;
  const routes = await routeTable(stack());
  const api = routes.filter((r) => r.pattern.startsWith('/api/v1/'));
  const others = routes.filter((r) => !r.pattern.startsWith('/api/v1/'));
  const missing = [...api.filter((r) => !expected[r.name]), ...others.filter((r) => !publicRoutes[r.name])]
    .map((r) => `${r.name} (${r.method} ${r.pattern}): add it to the matrix`);
  const names = new Set(routes.map((r) => r.name));
  const stale = [...Object.keys(expected), ...Object.keys(publicRoutes)].filter((n) => !names.has(n))
    .map((n) => `${n}: in the matrix but no longer a route`);
  assert.deepEqual([...missing, ...stale], []);
  for (const r of routes) {
    const entry = expected[r.name] ?? publicRoutes[r.name];
    assert.equal(entry.route, `${r.method.toUpperCase()} ${r.pattern}`, `route ${r.name} moved: update the matrix`);
  }
});

test('the matrix keeps its own rules: 401 without a session; another tenant 404 if permitted, else 403; other unit differs for officers only', () => {
  const officerColumns = new Set([roles.indexOf('officer'), roles.indexOf('officer2')]);
  for (const [name, entry] of Object.entries(expected)) {
    for (const scope of scopesOf(entry)) {
      assert.equal(entry[scope].length, roles.length, `${name} ${scope}: one status per role`);
      if (name !== 'login') {
        assert.equal(entry[scope][0], 401, `${name} ${scope}: no session → 401`);
      }
    }
    if (!entry.any) {
      // Past the permission check, another tenant's object is not found, whatever its state.
      const foreign = entry.own.map((status) => ([401, 403].includes(status) ? status : 404));
      assert.deepEqual(entry.other, foreign, `${name}: other tenant`);
      assert.deepEqual(entry.other_rev, foreign, `${name}: other tenant the other way round`);
    }
    if (entry.other_unit) {
      entry.other_unit.forEach((status, i) => {
        if (!officerColumns.has(i)) {
          assert.equal(status, entry.own[i], `${name}: another unit's object changes nothing for ${roles[i]}`);
        }
      });
    }
  }
  // The officer of another unit is a column of its own.
  assert.ok(roles.includes('officer2'));
});

test('every /api/v1 route × role × own / other tenant / other unit answers the status of the matrix', { timeout: 70_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const routes = await routeTable(s);
  const actors = new Actors(s);
  const objects = await standingObjects(actors);
  const actual = new Map();
  const wrong = [];
  for (const [name, entry] of Object.entries(expected)) {
    for (const scope of scopesOf(entry)) {
      for (const [i, role] of roles.entries()) {
        const want = entry[scope][i];
        const key = `${name}|${scope}|${role}`;
        try {
          const answer = await perform(actors, objects, name, role, scope === 'any' ? 'own' : scope, isAllowed(want));
          actual.set(key, answer.status);
          if (answer.status !== want) {
            wrong.push(`${entry.route} as ${role} (${scope}): expected ${want}, got ${answer.status} ${JSON.stringify(answer.json)}`);
          } else if (errorCodes[want] && answer.json?.error !== errorCodes[want] && name !== 'stream') {
            wrong.push(`${entry.route} as ${role} (${scope}): ${want} but error "${answer.json?.error}", expected "${errorCodes[want]}"`);
          }
        } catch (error) {
          actual.set(key, 'ERR');
          wrong.push(`${entry.route} as ${role} (${scope}): ${error.message.split('\n')[0]}`);
        }
      }
    }
  }
  printMatrix(actual, routes);
  const cases = [...actual.keys()].length;
  recordFigures({ test: 'authz_matrix', authz_cases: cases, authz_wrong: wrong.length });
  assert.deepEqual(wrong, [], `authorisation matrix: ${wrong.length} of ${cases} cases differ`);
});

test('routes outside /api/v1 answer without a session', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  // A plain client: these answers are not console API answers, openapi.json does not describe them.
  const client = s.client();
  const wrong = [];
  const seen = [];
  for (const [name, entry] of Object.entries(publicRoutes)) {
    let status;
    if (entry.webhook) {
      // Signed by the fake LINE platform as LINE would; throws unless yorisoi answered 200.
      await s.residentWrites('yamagata', 'こんばんは');
      status = 200;
    } else {
      status = (await client.get(entry.path)).status;
    }
    seen.push(`${name} ${status}`);
    if (status !== entry.status()) {
      wrong.push(`${entry.route} without a session: expected ${entry.status()}, got ${status}`);
    }
  }
  console.log(`routes without a session: ${seen.join(', ')}`);
  assert.deepEqual(wrong, []);
});

// uuid version 4 (random) in the canonical lower-case form.
const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('ids in the answers are opaque: uuid v4, not in creation order', async (t) => {
  if (skipUnlessReady(t)) return;
  assert.ok(seenIds.size > 0, 'the matrix test saw answers with ids');
  const fields = [...seenIds.keys()].sort();
  for (const field of ['consultation_id', 'user_id', 'message_id', 'note_id', 'referral_id']) {
    assert.ok(seenIds.has(field), `some answer carried a ${field}`);
  }
  for (const [field, values] of seenIds) {
    for (const value of values) {
      assert.match(String(value), uuidV4, `${field} ${value} is not a uuid v4`);
    }
  }
  // Consultations as the queue first showed them (creation order): random ids do not sort that way.
  const consultations = [...new Set(seenIds.get('consultation_id'))];
  assert.ok(consultations.length >= 10, `enough consultations seen (${consultations.length})`);
  assert.notDeepEqual(consultations, [...consultations].sort(), 'consultation ids do not grow with creation');
  console.log(`ids checked: ${fields.map((f) => `${f} ×${new Set(seenIds.get(f)).size}`).join(', ')}`);
});
