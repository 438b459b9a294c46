/** One measured operation of the gas report. */
export interface GasMeasurement {
  /** Key in reports/gas.json, `<Contract>.<operation>[.<variant>]`. */
  key: string;
  /** Gas used by the transaction (or estimated for a view), base cost included. */
  gas: bigint;
  /** The budget the operation must stay within, when it has one. */
  target?: bigint;
  /** What exactly was measured. */
  note: string;
}
