// A small evaluator of ARM template expressions ("[format('{0}', parameters('x'))]"), enough for
// tests to see what infra/main.json would set without Azure: the functions that template uses,
// with deployment-time values (reference(), uniqueString()) supplied by the test.

/** What an expression can read: parameter values, variables, and what reference() returns per resource type. */
export interface ArmContext {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  /** Runtime properties of a deployed resource, by resource type (e.g. an identity's clientId). */
  reference: (type: string, name: string) => Record<string, unknown>;
  resourceGroupId: string;
  tenantId: string;
}

/** Evaluates a template string: an "[expression]" is evaluated, anything else is returned as it is. */
export function evaluateArm(value: string, context: ArmContext): unknown {
  if (!value.startsWith('[') || value.startsWith('[[')) return value;
  const parser = new Parser(value.slice(1, -1), context);
  const result = parser.readExpression();
  parser.expectEnd();
  return result;
}

class Parser {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly context: ArmContext,
  ) {}

  expectEnd(): void {
    this.skipSpaces();
    if (this.at !== this.text.length) this.fail('unexpected text');
  }

  readExpression(): unknown {
    let value = this.readPrimary();
    for (;;) {
      if (this.text[this.at] === '.') {
        this.at++;
        const name = this.readName();
        value = (value as Record<string, unknown>)[name];
      } else if (this.text[this.at] === '[') {
        this.at++;
        const index = this.readExpression();
        this.expect(']');
        value = (value as Record<string, unknown>)[index as string];
      } else return value;
    }
  }

  private readPrimary(): unknown {
    this.skipSpaces();
    const c = this.text[this.at];
    if (c === "'") return this.readString();
    if (c !== undefined && /[0-9-]/.test(c)) {
      const digits = /^-?\d+/.exec(this.text.slice(this.at))![0];
      this.at += digits.length;
      return Number(digits);
    }
    const name = this.readName();
    if (name === 'true' || name === 'false') return name === 'true';
    this.expect('(');
    const args: unknown[] = [];
    this.skipSpaces();
    while (this.text[this.at] !== ')') {
      args.push(this.readExpression());
      this.skipSpaces();
      if (this.text[this.at] === ',') this.at++;
      this.skipSpaces();
    }
    this.at++;
    return this.call(name, args);
  }

  private call(name: string, args: unknown[]): unknown {
    const text = (i: number) => String(args[i]);
    switch (name) {
      case 'parameters':
        if (!(text(0) in this.context.parameters)) this.fail(`no parameter ${text(0)}`);
        return this.context.parameters[text(0)];
      case 'variables':
        if (!(text(0) in this.context.variables)) this.fail(`no variable ${text(0)}`);
        return this.context.variables[text(0)];
      case 'format':
        return text(0).replace(/\{(\d+)\}/g, (_, i: string) => formatValue(args[Number(i) + 1]));
      case 'string':
        return formatValue(args[0]);
      case 'length':
        return (args[0] as unknown[]).length;
      case 'resourceGroup':
        return { id: this.context.resourceGroupId, location: 'uksouth' };
      case 'subscription':
        return { tenantId: this.context.tenantId };
      case 'environment':
        return { suffixes: { storage: 'core.windows.net' } };
      case 'uniqueString':
      case 'guid':
        return fakeHash(args.map(String).join('|'), name === 'guid');
      case 'resourceId':
      case 'subscriptionResourceId':
        // A stand-in id that reference() can read back: "resourceId|<type>|<name>|<name>…".
        return [name, ...args.map(String)].join('|');
      case 'reference': {
        const [kind, type, ...names] = String(args[0]).split('|');
        if (kind !== 'resourceId' || !type) this.fail('reference() needs a resourceId()');
        return this.context.reference(type!, names.join('/'));
      }
      default:
        return this.fail(`function ${name} is not known to this evaluator`);
    }
  }

  private readString(): string {
    let out = '';
    this.at++;
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) this.fail('unterminated string');
      if (c === "'") {
        if (this.text[this.at] !== "'") return out;
        this.at++;
      }
      out += c;
    }
  }

  private readName(): string {
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at))?.[0];
    if (!name) this.fail('expected a name');
    this.at += name!.length;
    return name!;
  }

  private expect(c: string): void {
    this.skipSpaces();
    if (this.text[this.at] !== c) this.fail(`expected ${c}`);
    this.at++;
  }

  private skipSpaces(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  private fail(why: string): never {
    throw new Error(`${why} at ${this.at} in [${this.text}]`);
  }
}

// ARM writes booleans as True/False in string() and format().
function formatValue(value: unknown): string {
  return typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
}

/** A stable stand-in for uniqueString() (13 lower-case characters) or guid(). */
function fakeHash(input: string, asGuid: boolean): string {
  let h = 2166136261;
  let out = '';
  for (let round = 0; out.length < 32; round++)
    for (const c of `${round}${input}`) {
      h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
      if (out.length < 32) out += (h % 36).toString(36);
    }
  if (!asGuid) return out.slice(0, 13);
  const hex = [...out].map((c) => (parseInt(c, 36) % 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
