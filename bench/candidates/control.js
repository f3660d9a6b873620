// The control: no library, no crypto. Its figures are the harness's own
// cost (module fetch and evaluation, the awaits, the timer), which the
// report subtracts from "time to ready".
export async function ready() {
  return {
    sealOrder: async () => '',
    sealFile: async () => '',
  };
}
