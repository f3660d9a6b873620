// The order page: binds the form to orderseal's attach() (seal in this
// browser, POST the envelope to /api/orders) and shows the key and the
// receipt. No crypto here: the browser module does all of it.

import { attach } from './pkg/index.js';
import { SEAL_WASM_INTEGRITY, WASM_INTEGRITY } from './assets/integrity.js';

const MAX_FILE_BYTES = 5 * 1024 * 1024;

const $ = (id) => document.getElementById(id);
const form = $('order');
const receipt = $('receipt');

// `8c2c0e3ab0b4ba7e` -> `8c2c 0e3a b0b4 ba7e`, as people compare key ids.
const grouped = (hex) => hex.replace(/(.{4})(?=.)/g, '$1 ');

// --- the pick-up station only applies to pick-up --------------------------
const transport = $('transport');
const station = $('station');
function syncStation() {
  const pickUp = transport.value.startsWith('Pick-up');
  // A disabled control is neither validated nor sealed.
  station.disabled = !pickUp;
  $('station-field').hidden = !pickUp;
}
transport.addEventListener('change', syncStation);
syncStation();

// --- the attachment: say "too large" before sealing -------------------------
const po = $('po');
po.addEventListener('change', () => {
  const file = po.files?.[0];
  po.setCustomValidity(
    file && file.size > MAX_FILE_BYTES
      ? `This file is ${(file.size / 1048576).toFixed(1)} MB; the limit is 5 MB.`
      : '',
  );
});

// --- seal and send -----------------------------------------------------------
// The seal build, which init() loads where WebCrypto seals, comes inlined in
// a module of the package (pinned, like every module, by its modulepreload
// integrity in a built site). A .wasm file is fetched with its Subresource
// Integrity hash: the full build, only where WebCrypto cannot seal, and the
// seal build's file, only where the browser cannot gunzip the inlined one.
const pinned = (name, integrity) => () => {
  const url = new URL(`./pkg/web/${name}`, import.meta.url);
  return integrity ? fetch(url, { integrity }) : url;
};
const controller = attach(form, {
  wasm: {
    seal:
      typeof DecompressionStream === 'function'
        ? undefined
        : pinned('orderseal_seal_bg.wasm', SEAL_WASM_INTEGRITY),
    full: pinned('orderseal_bg.wasm', WASM_INTEGRITY),
  },
});

let keyId = '';
controller.ready.then(
  (sealer) => {
    keyId = sealer.keyId;
    $('key-status').textContent = `Encrypted in your browser to key ${grouped(sealer.keyId)}`;
    $('keyline').classList.add('ready');
    $('key-fingerprint').textContent = sealer.fingerprint;
    $('key-details').hidden = false;
  },
  () => {
    $('key-status').textContent =
      'The encryption key could not be loaded, so the form cannot be sent.';
    $('keyline').classList.add('failed');
  },
);

form.addEventListener('orderseal:sent', (event) => {
  const { submissionId, response } = event.detail;
  $('receipt-sid').textContent = response?.sid ?? submissionId;
  $('receipt-sha256').textContent = response?.sha256 ?? '(not given)';
  const received = $('receipt-received');
  if (response?.received) {
    received.dateTime = response.received;
    received.textContent = new Date(response.received).toLocaleString();
  }
  $('receipt-kid').textContent = grouped(keyId);
  form.hidden = true;
  receipt.hidden = false;
  $('receipt-title').focus();
});

$('another').addEventListener('click', () => {
  receipt.hidden = true;
  form.hidden = false;
  $('status').hidden = true;
  syncStation();
  $('product').focus();
});
