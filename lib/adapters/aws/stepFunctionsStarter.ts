/**
 * Starts a run's state machine execution, named by the run id: Step Functions refuses a second
 * execution of the same name with another input, and answers the same one for the same input, so
 * a retried start never runs a run twice.
 */
import { DescribeExecutionCommand, ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RunRequest } from '../../service/runRequest.js';
import type { RunStarter } from '../../service/startRun.js';

export class StepFunctionsStarter implements RunStarter {
  constructor(private readonly client: SFNClient, private readonly stateMachineArn: string) {}

  async start(request: RunRequest): Promise<void> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: request.runId, input: JSON.stringify({ runId: request.runId }) }));
    } catch (err) {
      if (!(err instanceof ExecutionAlreadyExists)) throw err;
    }
  }

  /** An execution that ended without the run's own failure handling (aborted, timed out) says so here. */
  async failure(runId: string): Promise<string | undefined> {
    const executionArn = `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${runId}`;
    const execution = await this.client.send(new DescribeExecutionCommand({ executionArn })).catch(() => undefined);
    if (!execution || execution.status === 'RUNNING' || execution.status === 'SUCCEEDED' || execution.status === 'PENDING_REDRIVE') return undefined;
    return `the state machine execution ended ${execution.status}${execution.error ? `: ${execution.error}` : ''}`;
  }
}
