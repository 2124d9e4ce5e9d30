'use strict';
// Message objects and request bodies of reply and push, checked like the Messaging API checks them.
// Each function appends {message, property} details; an empty list means the body is acceptable.

const { check_action, check_string, check_url, is_object } = require('./validate_actions');

const message_types = ['text', 'textV2', 'sticker', 'image', 'video', 'audio', 'location', 'imagemap', 'template', 'flex'];
const https_only = { max: 2000, schemes: ['https'] };

function check_array(errors, property, value, { min, max }) {
  if (!Array.isArray(value)) {
    errors.push({ message: 'must be specified', property });
    return false;
  }
  if (value.length < min || value.length > max) {
    errors.push({ message: `Size must be between ${min} and ${max}`, property });
    return false;
  }
  return true;
}

function check_quick_reply(errors, property, quick_reply) {
  if (!is_object(quick_reply)) {
    errors.push({ message: 'must be an object', property });
    return;
  }
  if (!check_array(errors, `${property}.items`, quick_reply.items, { min: 1, max: 13 })) {
    return;
  }
  quick_reply.items.forEach((item, i) => {
    const at = `${property}.items[${i}]`;
    if (!is_object(item)) {
      errors.push({ message: 'must be an object', property: at });
      return;
    }
    if (item.type !== 'action') {
      errors.push({ message: 'Must be one of the following values: [action]', property: `${at}.type` });
    }
    if (item.imageUrl !== undefined) {
      check_url(errors, `${at}.imageUrl`, item.imageUrl, { required: true, ...https_only });
    }
    check_action(errors, `${at}.action`, item.action, { where: 'quickReply' });
  });
}

function check_actions(errors, property, actions, { min, max }) {
  if (check_array(errors, property, actions, { min, max })) {
    actions.forEach((action, i) => check_action(errors, `${property}[${i}]`, action, { where: 'template' }));
  }
}

function check_template(errors, property, template) {
  if (!is_object(template)) {
    errors.push({ message: 'must be specified', property });
    return;
  }
  switch (template.type) {
    case 'buttons': {
      const has_header = template.title !== undefined || template.thumbnailImageUrl !== undefined;
      check_string(errors, `${property}.title`, template.title, { required: false, min: 1, max: 40 });
      check_string(errors, `${property}.text`, template.text, { required: true, min: 1, max: has_header ? 60 : 160 });
      if (template.thumbnailImageUrl !== undefined) {
        check_url(errors, `${property}.thumbnailImageUrl`, template.thumbnailImageUrl, { required: true, ...https_only });
      }
      if (template.defaultAction !== undefined) {
        check_action(errors, `${property}.defaultAction`, template.defaultAction, { where: 'template', label_required: false });
      }
      check_actions(errors, `${property}.actions`, template.actions, { min: 1, max: 4 });
      break;
    }
    case 'confirm':
      check_string(errors, `${property}.text`, template.text, { required: true, min: 1, max: 240 });
      check_actions(errors, `${property}.actions`, template.actions, { min: 2, max: 2 });
      break;
    case 'carousel':
      if (check_array(errors, `${property}.columns`, template.columns, { min: 1, max: 10 })) {
        template.columns.forEach((column, i) => {
          const at = `${property}.columns[${i}]`;
          const text = is_object(column) ? column.text : undefined;
          check_string(errors, `${at}.text`, text, { required: true, min: 1, max: 120 });
          check_actions(errors, `${at}.actions`, is_object(column) ? column.actions : undefined, { min: 1, max: 3 });
        });
      }
      break;
    case 'image_carousel':
      if (check_array(errors, `${property}.columns`, template.columns, { min: 1, max: 10 })) {
        template.columns.forEach((column, i) => {
          const at = `${property}.columns[${i}]`;
          check_url(errors, `${at}.imageUrl`, is_object(column) ? column.imageUrl : undefined, { required: true, ...https_only });
          check_action(errors, `${at}.action`, is_object(column) ? column.action : undefined,
            { where: 'template', label_required: false, label_max: 12 });
        });
      }
      break;
    default:
      errors.push({ message: 'Must be one of the following values: [buttons, confirm, carousel, image_carousel]',
        property: `${property}.type` });
  }
}

function check_message(errors, property, message) {
  if (!is_object(message)) {
    errors.push({ message: 'must be an object', property });
    return;
  }
  if (!message_types.includes(message.type)) {
    errors.push({ message: `Must be one of the following values: [${message_types.join(', ')}]`, property: `${property}.type` });
    return;
  }
  switch (message.type) {
    case 'text':
    case 'textV2':
      check_string(errors, `${property}.text`, message.text, { required: true, min: 1, max: 5000 });
      check_string(errors, `${property}.quoteToken`, message.quoteToken, { required: false, min: 1, max: 1000 });
      break;
    case 'sticker':
      check_string(errors, `${property}.packageId`, message.packageId, { required: true, min: 1, max: 100 });
      check_string(errors, `${property}.stickerId`, message.stickerId, { required: true, min: 1, max: 100 });
      break;
    case 'image':
    case 'video':
      check_url(errors, `${property}.originalContentUrl`, message.originalContentUrl, { required: true, ...https_only });
      check_url(errors, `${property}.previewImageUrl`, message.previewImageUrl, { required: true, ...https_only });
      break;
    case 'audio':
      check_url(errors, `${property}.originalContentUrl`, message.originalContentUrl, { required: true, ...https_only });
      break;
    case 'location':
      check_string(errors, `${property}.title`, message.title, { required: true, min: 1, max: 100 });
      check_string(errors, `${property}.address`, message.address, { required: true, min: 1, max: 100 });
      for (const key of ['latitude', 'longitude']) {
        if (typeof message[key] !== 'number') {
          errors.push({ message: 'must be specified', property: `${property}.${key}` });
        }
      }
      break;
    case 'template':
      check_string(errors, `${property}.altText`, message.altText, { required: true, min: 1, max: 400 });
      check_template(errors, `${property}.template`, message.template);
      break;
    case 'imagemap':
    case 'flex':
      // Not used by yorisoi; only the parts every such message needs are checked.
      check_string(errors, `${property}.altText`, message.altText, { required: true, min: 1, max: 400 });
      break;
  }
  if (message.quickReply !== undefined) {
    check_quick_reply(errors, `${property}.quickReply`, message.quickReply);
  }
  if (message.sender !== undefined) {
    const sender = is_object(message.sender) ? message.sender : {};
    check_string(errors, `${property}.sender.name`, sender.name, { required: false, min: 1, max: 20 });
    if (sender.iconUrl !== undefined) {
      check_url(errors, `${property}.sender.iconUrl`, sender.iconUrl, { required: true, ...https_only });
    }
  }
}

function check_messages(errors, messages) {
  if (check_array(errors, 'messages', messages, { min: 1, max: 5 })) {
    messages.forEach((message, i) => check_message(errors, `messages[${i}]`, message));
  }
}

function check_notification_disabled(errors, body) {
  if (body.notificationDisabled !== undefined && typeof body.notificationDisabled !== 'boolean') {
    errors.push({ message: 'must be a boolean', property: 'notificationDisabled' });
  }
}

// Body of POST /v2/bot/message/reply.
function check_reply_body(body) {
  const errors = [];
  check_string(errors, 'replyToken', body.replyToken, { required: true, min: 1, max: 1000 });
  check_messages(errors, body.messages);
  check_notification_disabled(errors, body);
  return errors;
}

// Body of POST /v2/bot/message/push; `to` must look like a user, group or room id.
function check_push_body(body) {
  const errors = [];
  if (check_string(errors, 'to', body.to, { required: true, min: 1, max: 100 }) && !/^[UCR][0-9a-f]{32}$/.test(body.to)) {
    errors.push({ message: 'The value is not a valid user, group or room ID', property: 'to' });
  }
  check_messages(errors, body.messages);
  check_notification_disabled(errors, body);
  if (body.customAggregationUnits !== undefined) {
    const units = body.customAggregationUnits;
    if (check_array(errors, 'customAggregationUnits', units, { min: 0, max: 1 })) {
      units.forEach((unit, i) => check_string(errors, `customAggregationUnits[${i}]`, unit,
        { required: true, min: 1, max: 30 }));
    }
  }
  return errors;
}

// Body of POST /v2/bot/chat/loading/start: a user id and 5..60 seconds in steps of 5 (default 20).
function check_loading_body(body) {
  const errors = [];
  if (check_string(errors, 'chatId', body.chatId, { required: true, min: 1, max: 100 }) && !/^U[0-9a-f]{32}$/.test(body.chatId)) {
    errors.push({ message: 'The value is not a valid user ID', property: 'chatId' });
  }
  const seconds = body.loadingSeconds;
  if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 5 || seconds > 60 || seconds % 5 !== 0)) {
    errors.push({ message: 'Must be a multiple of 5 between 5 and 60', property: 'loadingSeconds' });
  }
  return errors;
}

// Body of POST /v2/bot/chat/markAsRead: the token a message event carried.
function check_mark_as_read_body(body) {
  const errors = [];
  check_string(errors, 'markAsReadToken', body.markAsReadToken, { required: true, min: 1, max: 1000 });
  return errors;
}

module.exports = { check_reply_body, check_push_body, check_loading_body, check_mark_as_read_body };
