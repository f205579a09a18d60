/** Which page to read: at most `size` records, from `cursor` (given by the page before). */
export interface PageRequest {
  size: number;
  cursor?: string;
}

/** One page of records and the cursor of the next (undefined after the last page). */
export interface Page<T> {
  items: T[];
  next: string | undefined;
}
