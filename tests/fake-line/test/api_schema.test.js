'use strict';
// Message objects: each invalid body answers 400 naming the offending property, like the Messaging API.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../test_support/harness');

const quick_item = (action) => ({ type: 'action', action });

const cases = [
  { name: 'no messages', body: { to: h.resident_id, messages: [] }, property: 'messages' },
  { name: 'six messages', body: { to: h.resident_id, messages: Array(6).fill(h.text_message('x')) }, property: 'messages' },
  { name: 'missing to', body: { messages: [h.text_message('x')] }, property: 'to' },
  { name: 'malformed to', body: { to: 'someone', messages: [h.text_message('x')] }, property: 'to' },
  { name: 'empty text', body: { to: h.resident_id, messages: [h.text_message('')] }, property: 'messages[0].text' },
  { name: 'text of 5001', body: { to: h.resident_id, messages: [h.text_message('あ'.repeat(5001))] }, property: 'messages[0].text' },
  { name: 'unknown type', body: { to: h.resident_id, messages: [{ type: 'hologram' }] }, property: 'messages[0].type' },
  { name: 'sticker without id', body: { to: h.resident_id, messages: [{ type: 'sticker', packageId: '446' }] },
    property: 'messages[0].stickerId' },
  { name: 'fourteen quick replies', property: 'messages[0].quickReply.items',
    body: { to: h.resident_id, messages: [{ ...h.text_message('x'),
      quickReply: { items: Array(14).fill(quick_item({ type: 'message', label: 'a', text: 'a' })) } }] } },
  { name: 'quick reply label of 21', property: 'messages[0].quickReply.items[0].action.label',
    body: { to: h.resident_id, messages: [{ ...h.text_message('x'),
      quickReply: { items: [quick_item({ type: 'message', label: 'あ'.repeat(21), text: 'a' })] } }] } },
  { name: 'message action without text', property: 'messages[0].quickReply.items[1].action.text',
    body: { to: h.resident_id, messages: [{ ...h.text_message('x'), quickReply: { items: [
      quick_item({ type: 'camera', label: 'カメラ' }), quick_item({ type: 'message', label: 'a' })] } }] } },
  { name: 'postback data of 301', property: 'messages[0].quickReply.items[0].action.data',
    body: { to: h.resident_id, messages: [{ ...h.text_message('x'),
      quickReply: { items: [quick_item({ type: 'postback', label: 'a', data: 'd'.repeat(301) })] } }] } },
  { name: 'datetimepicker without mode', property: 'messages[0].quickReply.items[0].action.mode',
    body: { to: h.resident_id, messages: [{ ...h.text_message('x'),
      quickReply: { items: [quick_item({ type: 'datetimepicker', label: 'a', data: 'd' })] } }] } },
  { name: 'template altText of 401', property: 'messages[0].altText',
    body: { to: h.resident_id, messages: [{ type: 'template', altText: 'a'.repeat(401),
      template: { type: 'confirm', text: 'q', actions: [{ type: 'message', label: 'y', text: 'y' },
        { type: 'message', label: 'n', text: 'n' }] } }] } },
  { name: 'confirm with three actions', property: 'messages[0].template.actions',
    body: { to: h.resident_id, messages: [{ type: 'template', altText: 'a',
      template: { type: 'confirm', text: 'q', actions: Array(3).fill({ type: 'message', label: 'y', text: 'y' }) } }] } },
  { name: 'camera action in a template', property: 'messages[0].template.actions[0].type',
    body: { to: h.resident_id, messages: [{ type: 'template', altText: 'a',
      template: { type: 'buttons', text: 'q', actions: [{ type: 'camera', label: 'c' }] } }] } },
];

describe('message schema', () => {
  let fake;
  before(async () => { fake = await h.start_fake(); });
  after(() => fake.close());

  for (const c of cases) {
    it(`rejects ${c.name}`, async () => {
      const res = await h.api(fake.url, 'POST', '/v2/bot/message/push', c.body);
      assert.equal(res.status, 400, res.text);
      assert.match(res.body.message, /The request body has \d+ error\(s\)/);
      assert.ok(res.body.details.some((d) => d.property === c.property && typeof d.message === 'string'),
        `details ${JSON.stringify(res.body.details)} should name ${c.property}`);
    });
  }

  it('accepts a text of 5000, quick replies of every kind, a consent template and a sticker', async () => {
    const consent = { type: 'template', altText: '同意のお願い', template: { type: 'confirm', text: '相談内容を市と共有してよいですか',
      actions: [{ type: 'postback', label: '同意する', data: 'consent=yes', displayText: '同意する' },
        { type: 'postback', label: '同意しない', data: 'consent=no', displayText: '同意しない' }] } };
    const ages = { ...h.text_message('a'.repeat(5000)), quickReply: { items: [
      quick_item({ type: 'postback', label: '10代', data: 'age=10', displayText: '10代' }),
      quick_item({ type: 'message', label: '答えない', text: '答えない' }),
      quick_item({ type: 'datetimepicker', label: '日付', data: 'd', mode: 'date' }),
      quick_item({ type: 'camera', label: 'カメラ' }), quick_item({ type: 'cameraRoll', label: '写真' }),
      quick_item({ type: 'location', label: '位置情報' })] } };
    const res = await h.api(fake.url, 'POST', '/v2/bot/message/push',
      { to: h.resident_id, messages: [ages, consent, { type: 'sticker', packageId: '446', stickerId: '1988' }] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.sentMessages.length, 3);
    assert.ok(res.body.sentMessages[0].quoteToken);
    assert.equal(res.body.sentMessages[1].quoteToken, undefined);
    const deliveries = (await h.request(fake.url, 'GET', `/_fake/deliveries?to=${h.resident_id}`)).body;
    assert.deepEqual(deliveries.map((d) => d.message.type), ['text', 'template', 'sticker']);
    assert.deepEqual(deliveries.map((d) => d.via), ['push', 'push', 'push']);
  });
});
