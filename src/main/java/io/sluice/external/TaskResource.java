package io.sluice.external;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.smallrye.mutiny.Uni;
import io.sluice.api.ApiError;
import io.sluice.api.SluiceException;
import io.sluice.security.Access;
import io.sluice.security.Role;

/** Seed A: {@code POST /tasks/schedule} triggers an external table's sync now. */
@Path("/tasks")
@Tag(name = "External tables")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {
    @Inject
    ExternalTableSync sync;

    /** Both fields may come as query parameters instead (Pinot's form), so neither is required in the body. */
    @Schema(name = "ScheduleTaskRequest")
    public record ScheduleRequest(
            @Schema(description = "The task type; required here or as the taskType query parameter",
                    enumeration = { SyncTaskConfig.TASK_TYPE }) String taskType,
            @Schema(description = "The table name; required here or as the tableName query parameter",
                    example = "orders", maxLength = 255) String tableName) {
    }

    @POST
    @Path("/schedule")
    @Access(Role.EDITOR)
    @Operation(summary = "Manually trigger an onboarding run (JSON body, or taskType and tableName query parameters)",
            description = "A sync that is going is not started twice: the answer then names the task going.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(example = "{\"ExternalTableSyncTask\": \"Task_ExternalTableSyncTask_1707500000000\"}",
            implementation = Map.class)))
    @APIResponse(responseCode = "400", description = "Missing or unknown taskType, missing tableName", content = @Content(schema = @Schema(implementation = ApiError.class)))
    @APIResponse(responseCode = "404", description = "Table not found", content = @Content(schema = @Schema(implementation = ApiError.class)))
    public Uni<Map<String, String>> schedule(@QueryParam("taskType") String taskTypeParam,
            @QueryParam("tableName") String tableNameParam,
            @RequestBody(required = false) ScheduleRequest body) {
        String taskType = firstOf(taskTypeParam, body == null ? null : body.taskType());
        String tableName = firstOf(tableNameParam, body == null ? null : body.tableName());
        if (taskType == null) {
            throw SluiceException.invalidField("taskType", "taskType is required: ExternalTableSyncTask");
        }
        if (!SyncTaskConfig.TASK_TYPE.equals(taskType)) {
            throw SluiceException.badRequest("UnknownTaskType", "Unknown task type '" + taskType
                    + "'; the only one is ExternalTableSyncTask", Map.of("taskType", taskType));
        }
        if (tableName == null) {
            throw SluiceException.invalidField("tableName", "tableName is required, e.g. my_table");
        }
        return sync.trigger(tableName).map(task -> Map.of(SyncTaskConfig.TASK_TYPE, task));
    }

    private static String firstOf(String param, String field) {
        if (param != null && !param.isBlank()) {
            return param;
        }
        return field == null || field.isBlank() ? null : field;
    }
}
