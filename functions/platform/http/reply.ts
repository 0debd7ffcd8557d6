/** A handler may return a plain body (the route's status) or a Reply to choose status and headers. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}
export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply => new Reply(status, body, headers);
