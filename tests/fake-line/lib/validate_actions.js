'use strict';
// Action objects (buttons of templates and quick replies), checked like the Messaging API does.
// Lengths are counted in UTF-16 code units, as the platform's Java services count them.

const quick_reply_action_types = ['message', 'postback', 'uri', 'datetimepicker', 'camera', 'cameraRoll', 'location', 'clipboard'];
const template_action_types = ['message', 'postback', 'uri', 'datetimepicker', 'clipboard'];

function is_object(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Adds an error unless `value` is a string of min..max code units; `required` decides whether absence is one.
function check_string(errors, property, value, { required, min = 0, max }) {
  if (value === undefined || value === null) {
    if (required) {
      errors.push({ message: 'must be specified', property });
    }
    return false;
  }
  if (typeof value !== 'string') {
    errors.push({ message: 'must be a string', property });
    return false;
  }
  if (required && min > 0 && value.length === 0) {
    errors.push({ message: 'May not be empty', property });
    return false;
  }
  if (value.length < min || (max !== undefined && value.length > max)) {
    errors.push({ message: `Length must be between ${min} and ${max}`, property });
    return false;
  }
  return true;
}

function check_url(errors, property, value, { required, max, schemes }) {
  if (!check_string(errors, property, value, { required, min: 1, max })) {
    return;
  }
  let url;
  try {
    url = new URL(value);
  } catch {
    errors.push({ message: 'Invalid URL', property });
    return;
  }
  if (!schemes.includes(url.protocol.replace(/:$/, ''))) {
    errors.push({ message: `Scheme must be one of the following values: [${schemes.join(', ')}]`, property });
  }
}

// `where` is 'quickReply' or 'template'; `label_max` is 0 when the label is optional and unlimited.
function check_action(errors, property, action, { where, label_required = true, label_max = 20 }) {
  if (!is_object(action)) {
    errors.push({ message: 'must be specified', property });
    return;
  }
  const allowed = where === 'quickReply' ? quick_reply_action_types : template_action_types;
  if (!allowed.includes(action.type)) {
    errors.push({ message: `Must be one of the following values: [${allowed.join(', ')}]`, property: `${property}.type` });
    return;
  }
  check_string(errors, `${property}.label`, action.label, { required: label_required, min: 1, max: label_max });
  switch (action.type) {
    case 'message':
      check_string(errors, `${property}.text`, action.text, { required: true, min: 1, max: 300 });
      break;
    case 'postback':
      check_string(errors, `${property}.data`, action.data, { required: true, min: 0, max: 300 });
      check_string(errors, `${property}.displayText`, action.displayText, { required: false, min: 1, max: 300 });
      check_string(errors, `${property}.text`, action.text, { required: false, min: 1, max: 300 });
      check_string(errors, `${property}.fillInText`, action.fillInText, { required: false, min: 0, max: 300 });
      if (action.displayText !== undefined && action.text !== undefined) {
        errors.push({ message: 'displayText and text cannot be used together', property: `${property}.text` });
      }
      if (action.inputOption !== undefined &&
          !['closeRichMenu', 'openRichMenu', 'openKeyboard', 'openVoice'].includes(action.inputOption)) {
        errors.push({ message: 'Must be one of the following values: [closeRichMenu, openRichMenu, openKeyboard, openVoice]',
          property: `${property}.inputOption` });
      }
      break;
    case 'uri':
      check_url(errors, `${property}.uri`, action.uri, { required: true, max: 1000, schemes: ['http', 'https', 'line', 'tel'] });
      break;
    case 'datetimepicker':
      check_string(errors, `${property}.data`, action.data, { required: true, min: 0, max: 300 });
      if (!['date', 'time', 'datetime'].includes(action.mode)) {
        errors.push({ message: 'Must be one of the following values: [date, time, datetime]', property: `${property}.mode` });
      }
      break;
    case 'clipboard':
      check_string(errors, `${property}.clipboardText`, action.clipboardText, { required: true, min: 1, max: 1000 });
      break;
    default:
      // camera, cameraRoll, location: a label only.
      break;
  }
}

module.exports = { check_action, check_string, check_url, is_object };
