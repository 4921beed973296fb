/**
 * Builds a parameterised WHERE clause from optional filters, so list endpoints
 * never splice user input into SQL. `?` in a condition stands for its value.
 */
export class SqlFilter {
  readonly params: unknown[];
  private readonly conditions: string[];

  constructor(conditions: string[], params: unknown[]) {
    this.conditions = [...conditions];
    this.params = [...params];
  }

  add(condition: string, value: unknown): this {
    this.params.push(value);
    this.conditions.push(condition.replaceAll('?', `$${this.params.length}`));
    return this;
  }

  /** A case-insensitive substring match, with LIKE's wildcards in the search text taken literally. */
  addSearch(expression: string, text: string): this {
    return this.add(`${expression} ILIKE ?`, `%${text.replace(/[\\%_]/g, '\\$&')}%`);
  }

  get where(): string {
    return this.conditions.join(' AND ');
  }
}
