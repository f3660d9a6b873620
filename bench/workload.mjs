// The workload every candidate runs, shared by the Node side (bench/run.mjs)
// and the page (bench/page.js): the same 2 KB order as benches/seal_open.rs
// (`order_2kb`) and the same 1 MiB file (`file_1mib`), so that the native
// and browser figures describe the same bytes.

/** About 2 KB of JSON: an order with a long note, as customers send them. */
export function order2kb() {
  return {
    product: 'Engraved fountain pen',
    variant: 'Black lacquer, medium nib',
    quantity: '12',
    engraving_style: 'Copperplate script',
    engraving_text: 'For Ada, with thanks from the Analytical Engine team',
    payment_reference: 'RF18 5390 0754 7034',
    amount: '1284.00 EUR',
    transport: 'Courier, insured',
    station: 'Ghent-Dampoort service point',
    customer_name: 'Ada Lovelace',
    phone: '+32 9 123 45 67',
    email: 'ada@example.com',
    address: '12 St Pieters Square\n9000 Ghent\nBelgium',
    notes: 'Please gift wrap each pen separately. '.repeat(40),
  };
}

export const FILE_SIZE = 1 << 20;

/** The 1 MiB purchase order: the bytes of benches/seal_open.rs `file_1mib`. */
export function file1mib() {
  const data = new Uint8Array(FILE_SIZE);
  for (let i = 0; i < data.length; i++) data[i] = Math.imul(i, 2654435761) >>> 24;
  return { name: 'po.pdf', type: 'application/pdf', data };
}

/** What orderseal's plaintext document is (docs/FORMAT.md §4.1), unpadded. */
export const orderDocument = (fields) => JSON.stringify({ fields });

/** docs/FORMAT.md §4.2 padded_len, for the report (how much orderseal seals). */
export function paddedLen(L) {
  const n = Math.max(L + 1, 1024);
  const E = n.toString(2).length - 1;
  const S = E.toString(2).length;
  const unit = 2 ** (E - S);
  return Math.ceil(n / unit) * unit;
}
