/** The props every LangGraphWorkflow needs (the rest are defaults), shared by the construct tests. */
import { LangGraphWorkflowProps } from '../../src/constructs/langgraph-workflow';

export const IMAGE = 'registry.example.com/agents/support:1.4.2@sha256:' + 'a'.repeat(64);
export const ESSENTIALS: LangGraphWorkflowProps = {
  workflowName: 'support',
  image: IMAGE,
  hostname: 'support.example.com',
  owner: { team: 'ai-platform', email: 'ai@example.com', group: 'ai-platform-owners' },
};
