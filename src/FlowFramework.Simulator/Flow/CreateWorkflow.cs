using System.Text.Json.Nodes;
using FlowFramework.Simulator.Cluster;
using FlowFramework.Simulator.Security;

namespace FlowFramework.Simulator.Flow;

/// <summary>What RestCreateWorkflowAction hands to the transport action.</summary>
internal sealed record CreateWorkflowRequest(
    string? WorkflowId,
    JsonObject Template,
    bool ValidateAll,
    bool Provision,
    bool Reprovision,
    bool UpdateFields,
    IReadOnlyDictionary<string, string> Parameters,
    TimeSpan? WaitForCompletion,
    SimUser? User,
    string? Tenant);

/// <summary>CreateWorkflowTransportAction: creates (POST) or updates (PUT) a template, validating it unless validation is
/// not "all", and hands over to provisioning (POST only) or reprovisioning (PUT only).</summary>
internal sealed class CreateWorkflow(WorkflowIndices indices, ProvisionWorkflow provision, ReprovisionWorkflow reprovision)
{
    public async Task<OpResult> ExecuteAsync(CreateWorkflowRequest request, CancellationToken ct)
    {
        var id = request.WorkflowId;
        var tenant = request.Tenant;
        try
        {
            if (id is not null)
            {
                // An update first fetches the stored template (ParseUtils#getWorkflow), before any validation.
                if (!indices.TemplatesIndexExists) { return OpResult.Flow(404, $"Failed to retrieve template ({id})."); }
                indices.GetTemplateDoc(id, tenant);
            }
            if (request.ValidateAll)
            {
                // Validates whatever workflows the request carries (none for a fields-only update).
                TemplateModel.ValidateAll(request.Template);
            }
            if (id is null)
            {
                // POST: update_fields changes nothing here; provision hands over to ProvisionWorkflowTransportAction and
                // passes a FlowFrameworkException through unchanged ("Provisioning failed." is for other exceptions).
                var created = indices.CreateTemplate(request.Template, request.User, tenant);
                if (!request.Provision)
                {
                    return OpResult.Success(new JsonObject { ["workflow_id"] = created });
                }
                var run = provision.Start(created, tenant, request.Parameters);
                return await provision.AnswerAsync(created, tenant, run, request.WaitForCompletion, ct).ConfigureAwait(false);
            }
            // PUT (handleWorkflowExists): the new template, or the stored one with the fields merged.
            if (request.Reprovision)
            {
                var updated = request.UpdateFields ? TemplateModel.MergeFields(indices.StoredTemplate(id, tenant), request.Template) : request.Template;
                var run = reprovision.Start(id, tenant, updated);
                return await provision.AnswerAsync(id, tenant, run, request.WaitForCompletion, ct).ConfigureAwait(false);
            }
            // handleFullDocUpdate: a field update skips the NOT_STARTED check; provision=true does not provision here.
            if (request.UpdateFields)
            {
                indices.UpdateFields(id, tenant, request.Template);
            }
            else
            {
                indices.ReplaceTemplate(id, tenant, request.Template);
            }
            return OpResult.Success(new JsonObject { ["workflow_id"] = id });
        }
        catch (FlowException ex)
        {
            return OpResult.Flow(ex.Status, ex.Message);
        }
    }
}
