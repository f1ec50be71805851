/** A call's or message's price as the store holds it, with the report (delivery) that set it. */
export interface PricedRecord {
  price: number;
  priceUnit?: string;
  pricedBy?: string;
  from?: string;
  to?: string;
  direction?: string;
  durationSeconds?: number;
}
