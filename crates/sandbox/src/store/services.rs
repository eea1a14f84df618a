//! The business rules of the service commands on a hunt group's virtual user, as a BroadWorks
//! R25 Application Server applies them:
//!
//! - a service is assigned only when the group is authorized for it and a hunt group's user can
//!   have it; assigning an assigned service or unassigning an unassigned one changes nothing;
//!   unassigning clears the service's settings;
//! - a service's settings are read and changed only while it is assigned; a newly assigned
//!   forwarding service is inactive with no number, and becomes active only with a number;
//! - Call Forwarding Selective criteria names are unique per user, and a criterion's schedules
//!   must exist at the level named and be visible to the user (its group, its enterprise, its
//!   own);
//! - Directory Number Hunting agents are agents of the hunt group, each in at most one hunt
//!   group's directory number hunting.
//!
//! Every check runs before anything changes, so a refused command leaves the state as it was.

use super::{err, user_row, Loc, Store};
use crate::codes;
use crate::messages::{Change, OciError, Response, UserRow};
use crate::services::{
    applies_to_hunt_group, is_user_service, Criterion, DnhState, ScheduleState, SelectiveState,
    UserServices, DEFAULT_AUTHORIZED,
};
use crate::state::HuntGroupState;
use crate::svc::{
    service, Assignments, Authorizations, CallToNumber, CriteriaAdd, CriteriaModify, CriteriaRow,
    CriteriaSettings, DnSelection, DnhModify, DnhSettings, ForwardingListColumn,
    ForwardingListQuery, ForwardingListRow, ForwardingListSortKey, ForwardingModify,
    ForwardingService, GroupServiceAuthorization, NumberSelection, ScheduleGlobalKey,
    ScheduleLevel, ScheduleRef, ScheduleType, SelectiveModify, SelectiveSettings,
    ServiceAssignment, ServiceAuthorization, ServiceRequest, ServiceResponse,
    UserServiceAuthorization, USER_SERVICES,
};

fn data(r: ServiceResponse) -> Response {
    Response::Service(Box::new(r))
}

impl Store {
    /// Carries out one service command.
    pub(super) fn execute_service(&mut self, r: &ServiceRequest) -> Result<Response, OciError> {
        match r {
            ServiceRequest::GetAssignments { user_id } => self.assignments(user_id).map(data),
            ServiceRequest::Assign { user_id, services } => {
                self.assign(user_id, services).map(|_| Response::Success)
            }
            ServiceRequest::Unassign { user_id, services } => {
                self.unassign(user_id, services).map(|_| Response::Success)
            }
            ServiceRequest::ServicePacks { user_id, packs, .. } => {
                self.service_user(user_id)?;
                let p = packs.first().map(String::as_str).unwrap_or_default();
                Err(err(
                    codes::SERVICE_PACK_NOT_FOUND,
                    format!("Service pack not found: {p}"),
                ))
            }
            ServiceRequest::GetForwarding { user_id, kind } => {
                let (_, h) = self.service_user(user_id)?;
                assigned(h, kind.service_name())?;
                let f = h.services.forwarding(*kind).clone().unwrap_or_default();
                Ok(data(ServiceResponse::Forwarding(*kind, f)))
            }
            ServiceRequest::ModifyForwarding(m) => {
                self.modify_forwarding(m).map(|_| Response::Success)
            }
            ServiceRequest::GetSelective { user_id } => self.selective(user_id).map(data),
            ServiceRequest::ModifySelective(m) => {
                self.modify_selective(m).map(|_| Response::Success)
            }
            ServiceRequest::GetCriteria {
                user_id,
                criteria_name,
            } => {
                let (_, h) = self.selective_user(user_id)?;
                let c = criterion(h, criteria_name)?;
                Ok(data(ServiceResponse::Criteria(c.settings.clone())))
            }
            ServiceRequest::AddCriteria(a) => self.add_criteria(a).map(|_| Response::Success),
            ServiceRequest::ModifyCriteria(m) => self.modify_criteria(m).map(|_| Response::Success),
            ServiceRequest::DeleteCriteria {
                user_id,
                criteria_name,
            } => {
                let (loc, h) = self.selective_user(user_id)?;
                criterion(h, criteria_name)?;
                self.update(loc, |h| {
                    if let Some(s) = &mut h.services.call_forwarding_selective {
                        s.criteria.retain(|c| &c.name != criteria_name);
                    }
                });
                Ok(Response::Success)
            }
            ServiceRequest::GetDnh { service_user_id } => self.dnh(service_user_id).map(data),
            ServiceRequest::ModifyDnh(m) => self.modify_dnh(m).map(|_| Response::Success),
            ServiceRequest::DnhAvailableUsers { service_user_id } => self
                .dnh_available(service_user_id)
                .map(|rows| data(ServiceResponse::DnhAvailableUsers(rows))),
            ServiceRequest::GetAuthorizations {
                service_provider_id,
                group_id,
            } => self
                .authorizations(service_provider_id, group_id)
                .map(|a| data(ServiceResponse::Authorizations(a))),
            ServiceRequest::UserSchedules {
                user_id,
                schedule_type,
            } => self
                .user_schedules(user_id, *schedule_type)
                .map(|k| data(ServiceResponse::UserSchedules(k))),
            ServiceRequest::ForwardingList(q) => self
                .forwarding_list(q)
                .map(|rows| data(ServiceResponse::ForwardingList(rows))),
            ServiceRequest::AssignedUsers {
                service_provider_id,
                group_id,
                name,
                pack,
            } => {
                let (si, gi) = self.group_index(service_provider_id, group_id)?;
                if *pack {
                    return Err(err(
                        codes::SERVICE_PACK_NOT_FOUND,
                        format!("Service pack not found: {name}"),
                    ));
                }
                // Hunt groups' users: the sandbox keeps services for no other user.
                let rows = self.hgs[si][gi]
                    .values()
                    .filter(|h| h.services.has(name))
                    .map(hunt_group_user_row)
                    .collect();
                Ok(data(ServiceResponse::AssignedUsers(rows)))
            }
            ServiceRequest::GroupSchedules {
                service_provider_id,
                group_id,
                schedule_type,
            } => {
                let (si, gi) = self.group_index(service_provider_id, group_id)?;
                let keys = self.visible_schedules(si, gi, None, *schedule_type);
                Ok(data(ServiceResponse::GroupSchedules(keys)))
            }
        }
    }

    /// The hunt group whose virtual user `id` is. An ordinary user exists but has no service
    /// state in the sandbox; anything else is not found.
    fn service_user(&self, id: &str) -> Result<(Loc, &HuntGroupState), OciError> {
        if self.users.contains_key(id) {
            return Err(err(
                codes::NOT_A_HUNT_GROUP,
                format!("The sandbox keeps services only for hunt groups' users: {id}"),
            ));
        }
        self.hunt_group(id)
    }

    /// A hunt group whose Call Forwarding Selective is assigned.
    fn selective_user(&self, id: &str) -> Result<(Loc, &HuntGroupState), OciError> {
        let (loc, h) = self.service_user(id)?;
        assigned(h, service::CALL_FORWARDING_SELECTIVE)?;
        Ok((loc, h))
    }

    /// Changes the hunt group at `loc` in place (checks have passed).
    fn update(&mut self, (si, gi, key): Loc, f: impl FnOnce(&mut HuntGroupState)) {
        if let Some(h) = self.hgs[si][gi].get_mut(&key) {
            f(h);
        }
    }

    /// The user services the group is authorized for.
    fn authorized(&self, si: usize, gi: usize) -> Vec<&str> {
        match &self.group(si, gi).authorized_user_services {
            Some(v) => v.iter().map(String::as_str).collect(),
            None => DEFAULT_AUTHORIZED.to_vec(),
        }
    }

    /// The services a hunt group's user may have (authorized and applicable), each with
    /// whether it is assigned, in the schema's order.
    fn assignments(&self, id: &str) -> Result<ServiceResponse, OciError> {
        let ((si, gi, _), h) = self.service_user(id)?;
        let authorized = self.authorized(si, gi);
        let user_services = USER_SERVICES
            .iter()
            .filter(|s| applies_to_hunt_group(s) && authorized.contains(s))
            .map(|s| ServiceAssignment {
                name: s.to_string(),
                assigned: h.services.has(s),
            })
            .collect();
        Ok(ServiceResponse::Assignments(Assignments {
            service_packs: Vec::new(),
            user_services,
        }))
    }

    fn assign(&mut self, id: &str, services: &[String]) -> Result<(), OciError> {
        let ((si, gi, key), _) = self.service_user(id)?;
        let authorized = self.authorized(si, gi);
        for s in services {
            if !authorized.contains(&s.as_str()) {
                return Err(oci_detail(
                    codes::SERVICE_NOT_AUTHORIZED,
                    format!("Service not authorized: {s}"),
                    format!(
                        "group {} is not authorized for the user service {s}",
                        self.group(si, gi).id
                    ),
                ));
            }
            if !applies_to_hunt_group(s) {
                return Err(oci_detail(
                    codes::SERVICE_NOT_APPLICABLE,
                    format!("Service cannot be assigned to a hunt group: {s}"),
                    format!("{id} is a hunt group's virtual user"),
                ));
            }
        }
        self.update((si, gi, key), |h| {
            for s in services {
                h.services.assigned.insert(s.clone());
            }
        });
        Ok(())
    }

    fn unassign(&mut self, id: &str, services: &[String]) -> Result<(), OciError> {
        let (loc, _) = self.service_user(id)?;
        if let Some(s) = services.iter().find(|s| !is_user_service(s)) {
            return Err(err(
                codes::SERVICE_NOT_ASSIGNED,
                format!("Unknown service: {s}"),
            ));
        }
        self.update(loc, |h| {
            for s in services {
                h.services.unassign(s);
            }
        });
        Ok(())
    }

    fn modify_forwarding(&mut self, m: &ForwardingModify) -> Result<(), OciError> {
        let (loc, h) = self.service_user(&m.user_id)?;
        let name = m.kind.service_name();
        assigned(h, name)?;
        let mut f = h.services.forwarding(m.kind).clone().unwrap_or_default();
        if let Some(a) = m.is_active {
            f.is_active = a;
        }
        match &m.forward_to_phone_number {
            Change::Keep => {}
            Change::Clear => f.forward_to_phone_number = None,
            Change::Set(n) => f.forward_to_phone_number = Some(check_forward_to(n)?),
        }
        if let (Some(r), true) = (m.is_ring_splash_active, m.kind.has_ring_splash()) {
            f.is_ring_splash_active = r;
        }
        if f.is_active && f.forward_to_phone_number.is_none() {
            return Err(err(
                codes::FORWARD_NUMBER_REQUIRED,
                format!("{name} cannot be active without a forward-to phone number"),
            ));
        }
        let kind = m.kind;
        self.update(loc, |h| *h.services.forwarding_mut(kind) = Some(f));
        Ok(())
    }

    fn selective(&self, id: &str) -> Result<ServiceResponse, OciError> {
        let (_, h) = self.selective_user(id)?;
        let s = h
            .services
            .call_forwarding_selective
            .clone()
            .unwrap_or_default();
        let profile = &h.service_instance_profile;
        let primary = (
            profile.phone_number.value().cloned(),
            profile.extension.value().cloned(),
        );
        let criteria = s
            .criteria
            .iter()
            .map(|c| criteria_row(c, &s, &primary))
            .collect();
        Ok(ServiceResponse::Selective(SelectiveSettings {
            is_active: s.is_active,
            default_forward_to_phone_number: s.default_forward_to_phone_number.clone(),
            play_ring_reminder: s.play_ring_reminder,
            criteria,
        }))
    }

    fn modify_selective(&mut self, m: &SelectiveModify) -> Result<(), OciError> {
        let (loc, h) = self.selective_user(&m.user_id)?;
        let mut s = h
            .services
            .call_forwarding_selective
            .clone()
            .unwrap_or_default();
        if let Some(a) = m.is_active {
            s.is_active = a;
        }
        match &m.default_forward_to_phone_number {
            Change::Keep => {}
            Change::Clear => s.default_forward_to_phone_number = None,
            Change::Set(n) => s.default_forward_to_phone_number = Some(check_forward_to(n)?),
        }
        if let Some(p) = m.play_ring_reminder {
            s.play_ring_reminder = p;
        }
        for (name, active) in &m.criteria_activation {
            let c = s
                .criteria
                .iter_mut()
                .find(|c| &c.name == name)
                .ok_or_else(|| criteria_not_found(name))?;
            c.is_active = *active;
        }
        if s.is_active && s.default_forward_to_phone_number.is_none() {
            return Err(err(
                codes::FORWARD_NUMBER_REQUIRED,
                "Call Forwarding Selective cannot be active without a default forward-to phone number",
            ));
        }
        self.update(loc, |h| h.services.call_forwarding_selective = Some(s));
        Ok(())
    }

    fn add_criteria(&mut self, a: &CriteriaAdd) -> Result<(), OciError> {
        let (loc, h) = self.selective_user(&a.user_id)?;
        let s = h
            .services
            .call_forwarding_selective
            .clone()
            .unwrap_or_default();
        if s.criteria.iter().any(|c| c.name == a.criteria_name) {
            return Err(err(
                codes::CRITERIA_NAME_IN_USE,
                format!("Criteria name already in use: {}", a.criteria_name),
            ));
        }
        let settings = CriteriaSettings {
            time_schedule: a.time_schedule.clone(),
            holiday_schedule: a.holiday_schedule.clone(),
            forward_to_number_selection: a.forward_to_number_selection.unwrap_or_default(),
            forward_to_phone_number: a.forward_to_phone_number.clone(),
            from_dn_criteria: a.from_dn_criteria.clone(),
            call_to_numbers: a.call_to_numbers.clone(),
        };
        let settings = self.check_criteria(loc, h, settings)?;
        self.update(loc, |h| {
            let s = h
                .services
                .call_forwarding_selective
                .get_or_insert_with(SelectiveState::default);
            // A new criterion is active.
            s.criteria.push(Criterion {
                name: a.criteria_name.clone(),
                is_active: true,
                settings,
            });
        });
        Ok(())
    }

    fn modify_criteria(&mut self, m: &CriteriaModify) -> Result<(), OciError> {
        let (loc, h) = self.selective_user(&m.user_id)?;
        let cur = criterion(h, &m.criteria_name)?;
        if let Some(n) = &m.new_criteria_name {
            let s = h.services.call_forwarding_selective.as_ref();
            let taken = s.is_some_and(|s| {
                s.criteria
                    .iter()
                    .any(|c| &c.name == n && c.name != m.criteria_name)
            });
            if taken {
                return Err(err(
                    codes::CRITERIA_NAME_IN_USE,
                    format!("Criteria name already in use: {n}"),
                ));
            }
        }
        let mut c = cur.settings.clone();
        apply(&mut c.time_schedule, &m.time_schedule);
        apply(&mut c.holiday_schedule, &m.holiday_schedule);
        if let Some(sel) = m.forward_to_number_selection {
            c.forward_to_number_selection = sel;
        }
        apply(&mut c.forward_to_phone_number, &m.forward_to_phone_number);
        if let Some(f) = &m.from_dn_criteria {
            let d = &mut c.from_dn_criteria;
            if let Some(sel) = f.from_dn_criteria_selection {
                d.from_dn_criteria_selection = sel;
            }
            if let Some(b) = f.include_anonymous_callers {
                d.include_anonymous_callers = b;
            }
            if let Some(b) = f.include_unavailable_callers {
                d.include_unavailable_callers = b;
            }
            match &f.phone_number_list {
                Change::Keep => {}
                Change::Clear => d.phone_numbers.clear(),
                Change::Set(v) => d.phone_numbers = v.clone(),
            }
        }
        match &m.call_to_number_list {
            Change::Keep => {}
            Change::Clear => c.call_to_numbers.clear(),
            Change::Set(v) => c.call_to_numbers = v.clone(),
        }
        let c = self.check_criteria(loc, h, c)?;
        let old = m.criteria_name.clone();
        let new_name = m.new_criteria_name.clone().unwrap_or_else(|| old.clone());
        self.update(loc, |h| {
            if let Some(s) = &mut h.services.call_forwarding_selective {
                if let Some(x) = s.criteria.iter_mut().find(|x| x.name == old) {
                    x.name = new_name;
                    x.settings = c;
                }
            }
        });
        Ok(())
    }

    /// Checks a criterion as it would be stored: its schedules exist and are visible, a
    /// specified number is there and valid, it can match some caller, and the numbers it is
    /// called on are the user's. Returns it with its forward-to number checked.
    fn check_criteria(
        &self,
        (si, gi, _): Loc,
        h: &HuntGroupState,
        mut c: CriteriaSettings,
    ) -> Result<CriteriaSettings, OciError> {
        for (s, t) in [
            (&c.time_schedule, ScheduleType::Time),
            (&c.holiday_schedule, ScheduleType::Holiday),
        ] {
            if let Some(s) = s {
                self.check_schedule(si, gi, &h.services, s, t)?;
            }
        }
        if let Some(n) = &c.forward_to_phone_number {
            c.forward_to_phone_number = Some(check_forward_to(n)?);
        }
        if c.forward_to_number_selection == NumberSelection::Specified
            && c.forward_to_phone_number.is_none()
        {
            return Err(err(
                codes::FORWARD_NUMBER_REQUIRED,
                "Forward To Specified Number needs a forward-to phone number",
            ));
        }
        let f = &c.from_dn_criteria;
        if f.from_dn_criteria_selection == DnSelection::SpecifiedOnly
            && f.phone_numbers.is_empty()
            && !f.include_anonymous_callers
            && !f.include_unavailable_callers
        {
            return Err(err(
                codes::INVALID_CRITERIA,
                "Specified Only callers need a phone number, anonymous or unavailable callers",
            ));
        }
        if let Some(n) = c
            .call_to_numbers
            .iter()
            .find(|n| n.number_type != "Primary")
        {
            return Err(err(
                codes::INVALID_CRITERIA,
                format!(
                    "The user has no {} number (only Primary is available)",
                    n.number_type
                ),
            ));
        }
        Ok(c)
    }

    /// Refuses a schedule that is not defined at its level with its type, for this user.
    fn check_schedule(
        &self,
        si: usize,
        gi: usize,
        own: &UserServices,
        s: &ScheduleRef,
        t: ScheduleType,
    ) -> Result<(), OciError> {
        let list: &[ScheduleState] = match s.level {
            ScheduleLevel::ServiceProvider => &self.state.service_providers[si].schedules,
            ScheduleLevel::Group => &self.group(si, gi).schedules,
            ScheduleLevel::User => &own.schedules,
        };
        if list
            .iter()
            .any(|x| x.name == s.name && x.schedule_type == t)
        {
            return Ok(());
        }
        let visible: Vec<String> = self
            .visible_schedules(si, gi, Some(own), Some(t))
            .into_iter()
            .map(|k| format!("{} ({})", k.name, k.level.as_str()))
            .collect();
        Err(super::oci_error(
            codes::SCHEDULE_NOT_FOUND,
            format!(
                "{} schedule not found: {} ({})",
                t.as_str(),
                s.name,
                s.level.as_str()
            ),
            Some(format!(
                "visible {} schedules: {}",
                t.as_str().to_lowercase(),
                if visible.is_empty() {
                    "none".to_string()
                } else {
                    visible.join(", ")
                }
            )),
        ))
    }

    /// The schedules a user (with its own, `own`) or a group sees: the user's, the group's,
    /// then the enterprise's, optionally of one type.
    fn visible_schedules(
        &self,
        si: usize,
        gi: usize,
        own: Option<&UserServices>,
        t: Option<ScheduleType>,
    ) -> Vec<ScheduleGlobalKey> {
        let levels: [(&[ScheduleState], ScheduleLevel); 3] = [
            (
                own.map(|o| o.schedules.as_slice()).unwrap_or(&[]),
                ScheduleLevel::User,
            ),
            (&self.group(si, gi).schedules, ScheduleLevel::Group),
            (
                &self.state.service_providers[si].schedules,
                ScheduleLevel::ServiceProvider,
            ),
        ];
        levels
            .iter()
            .flat_map(|(list, level)| {
                list.iter().map(|s| ScheduleGlobalKey {
                    name: s.name.clone(),
                    schedule_type: s.schedule_type,
                    level: *level,
                })
            })
            .filter(|k| t.is_none_or(|t| k.schedule_type == t))
            .collect()
    }

    fn user_schedules(
        &self,
        id: &str,
        t: Option<ScheduleType>,
    ) -> Result<Vec<ScheduleGlobalKey>, OciError> {
        if let Some(&(si, gi, _)) = self.users.get(id) {
            // Ordinary users have no schedules of their own in the sandbox.
            return Ok(self.visible_schedules(si, gi, None, t));
        }
        let ((si, gi, _), h) = self.hunt_group(id)?;
        Ok(self.visible_schedules(si, gi, Some(&h.services), t))
    }

    /// The user row of a user of group (si, gi), or a bare row for one it does not hold.
    fn member_row(&self, si: usize, gi: usize, id: &str) -> UserRow {
        match self.users.get(id).filter(|l| (l.0, l.1) == (si, gi)) {
            Some(&(_, _, ui)) => user_row(&self.group(si, gi).users[ui]),
            None => UserRow {
                user_id: id.to_string(),
                ..UserRow::default()
            },
        }
    }

    /// `GroupUserCallForwardingSettingsGetListRequest`: the users of the group with the
    /// service assigned (hunt groups' users only with `includeVirtualUsers`: the sandbox keeps
    /// no services for ordinary users), filtered by every criterion, sorted, then paged.
    fn forwarding_list(&self, q: &ForwardingListQuery) -> Result<Vec<ForwardingListRow>, OciError> {
        let (si, gi) = self.group_index(&q.service_provider_id, &q.group_id)?;
        let cc = self.group(si, gi).country_code.clone();
        let mut rows: Vec<ForwardingListRow> = if q.include_virtual_users {
            self.hgs[si][gi]
                .values()
                .filter(|h| h.services.has(q.service.as_str()))
                .map(|h| forwarding_row(h, q.service, &cc))
                .collect()
        } else {
            Vec::new()
        };
        rows.retain(|r| {
            q.search.iter().all(|c| {
                let cell = list_cell(r, c.column);
                c.mode.matches(cell, &c.value, c.is_case_insensitive)
            }) && q
                .exact_department
                .as_ref()
                .is_none_or(|d| &r.user.department == d)
                && q.exact_in_trunk_group
                    .is_none_or(|t| (r.user.in_trunk_group == "true") == t)
        });
        // The sort column read once a row (with its case folded when asked), not once a
        // comparison.
        let key = |r: &ForwardingListRow| -> String {
            let v = match q.sort.key {
                ForwardingListSortKey::LastName => &r.user.last_name,
                ForwardingListSortKey::FirstName => &r.user.first_name,
                ForwardingListSortKey::Department => &r.user.department,
                ForwardingListSortKey::Dn => &r.user.phone_number,
                ForwardingListSortKey::Extension => &r.user.extension,
                ForwardingListSortKey::ForwardedToNumber => &r.forwarding_address,
            };
            if q.sort.is_case_sensitive {
                v.clone()
            } else {
                v.to_lowercase()
            }
        };
        let mut keyed: Vec<(String, ForwardingListRow)> =
            rows.into_iter().map(|r| (key(&r), r)).collect();
        // Ties are broken by user id, so consecutive pages neither repeat nor skip a row.
        keyed.sort_by(|(ka, a), (kb, b)| {
            let o = ka.cmp(kb);
            let o = if q.sort.is_ascending { o } else { o.reverse() };
            o.then_with(|| a.user.user_id.cmp(&b.user.user_id))
        });
        let start = (q.start_index as usize).saturating_sub(1);
        Ok(keyed
            .into_iter()
            .skip(start)
            .take(q.page_size as usize)
            .map(|(_, r)| r)
            .collect())
    }

    fn dnh(&self, id: &str) -> Result<ServiceResponse, OciError> {
        let ((si, gi, _), h) = self.service_user(id)?;
        assigned(h, service::DIRECTORY_NUMBER_HUNTING)?;
        let d = h
            .services
            .directory_number_hunting
            .clone()
            .unwrap_or_default();
        Ok(ServiceResponse::Dnh(DnhSettings {
            agents: d
                .agent_user_ids
                .iter()
                .map(|a| self.member_row(si, gi, a))
                .collect(),
            use_terminate_call_to_agent_first: d.use_terminate_call_to_agent_first,
            use_original_agent_services_for_busy_and_no_answer_calls: d
                .use_original_agent_services_for_busy_and_no_answer_calls,
        }))
    }

    /// The hunt group in the same group (other than `id`) whose directory number hunting
    /// holds `agent`.
    fn dnh_holder(&self, si: usize, gi: usize, id: &str, agent: &str) -> Option<&str> {
        self.hgs[si][gi]
            .values()
            .find(|h| h.service_user_id != id && h.services.dnh_agents().iter().any(|a| a == agent))
            .map(|h| h.service_user_id.as_str())
    }

    fn modify_dnh(&mut self, m: &DnhModify) -> Result<(), OciError> {
        let id = m.service_user_id.as_str();
        let (loc, h) = self.service_user(id)?;
        assigned(h, service::DIRECTORY_NUMBER_HUNTING)?;
        let (si, gi, _) = loc;
        let mut d: DnhState = h
            .services
            .directory_number_hunting
            .clone()
            .unwrap_or_default();
        match &m.agent_user_ids {
            Change::Keep => {}
            Change::Clear => d.agent_user_ids.clear(),
            Change::Set(list) => {
                for (i, a) in list.iter().enumerate() {
                    if !h.agents.iter().any(|x| &x.user_id == a) {
                        return Err(oci_detail(
                            codes::NOT_AN_AGENT,
                            format!("User is not an agent of the hunt group: {a}"),
                            format!("{a} is not an agent of {id}"),
                        ));
                    }
                    if list[..i].contains(a) {
                        return Err(err(
                            codes::DUPLICATE_AGENT,
                            format!("Agent listed twice: {a}"),
                        ));
                    }
                    if let Some(other) = self.dnh_holder(si, gi, id, a) {
                        return Err(oci_detail(
                            codes::DNH_AGENT_IN_USE,
                            format!("Agent already in another directory number hunting group: {a}"),
                            format!("{a} hunts through {other}"),
                        ));
                    }
                }
                d.agent_user_ids = list.clone();
            }
        }
        if let Some(b) = m.use_terminate_call_to_agent_first {
            d.use_terminate_call_to_agent_first = b;
        }
        if let Some(b) = m.use_original_agent_services_for_busy_and_no_answer_calls {
            d.use_original_agent_services_for_busy_and_no_answer_calls = b;
        }
        self.update(loc, |h| h.services.directory_number_hunting = Some(d));
        Ok(())
    }

    /// The hunt group's agents not in another hunt group's directory number hunting.
    fn dnh_available(&self, id: &str) -> Result<Vec<UserRow>, OciError> {
        let ((si, gi, _), h) = self.service_user(id)?;
        Ok(h.agents
            .iter()
            .filter(|a| self.dnh_holder(si, gi, id, &a.user_id).is_none())
            .map(|a| self.member_row(si, gi, &a.user_id))
            .collect())
    }

    /// Every user service with whether the group is authorized for it; usage counts the
    /// group's hunt groups with the service assigned. The group services table has the one
    /// group service the sandbox models, Hunt Group.
    fn authorizations(&self, sp: &str, g: &str) -> Result<Authorizations, OciError> {
        let (si, gi) = self.group_index(sp, g)?;
        let authorized = self.authorized(si, gi);
        let hgs = &self.hgs[si][gi];
        let user_services = USER_SERVICES
            .iter()
            .map(|s| {
                let auth = authorized.contains(s);
                let usage = hgs.values().filter(|h| h.services.has(s)).count();
                UserServiceAuthorization {
                    service: ServiceAuthorization {
                        name: s.to_string(),
                        authorized: auth,
                        assigned: auth,
                        limited: if auth { "Unlimited" } else { "" }.into(),
                        quantity: String::new(),
                        usage: usage.to_string(),
                        licensed: true,
                        allowed: if auth { "Unlimited" } else { "" }.into(),
                    },
                    // Directory Number Hunting belongs to hunt groups and call centers only.
                    user_assignable: *s != service::DIRECTORY_NUMBER_HUNTING,
                    group_service_assignable: applies_to_hunt_group(s),
                }
            })
            .collect();
        let n = hgs.len().to_string();
        Ok(Authorizations {
            group_services: vec![GroupServiceAuthorization {
                service: ServiceAuthorization {
                    name: "Hunt Group".into(),
                    authorized: true,
                    assigned: true,
                    limited: "Unlimited".into(),
                    quantity: String::new(),
                    usage: n.clone(),
                    licensed: true,
                    allowed: "Unlimited".into(),
                },
                instance_count: n,
            }],
            user_services,
        })
    }
}

fn oci_detail(code: u32, summary: String, detail: String) -> OciError {
    super::oci_error(code, summary, Some(detail))
}

/// Refuses a command on a service the user does not have, as BroadWorks does.
fn assigned(h: &HuntGroupState, name: &str) -> Result<(), OciError> {
    if h.services.has(name) {
        Ok(())
    } else {
        Err(oci_detail(
            codes::SERVICE_NOT_ASSIGNED,
            format!("Service not assigned: {name}"),
            format!("{name} is not assigned to {}", h.service_user_id),
        ))
    }
}

fn criteria_not_found(name: &str) -> OciError {
    err(
        codes::CRITERIA_NOT_FOUND,
        format!("Criteria not found: {name}"),
    )
}

fn criterion<'a>(h: &'a HuntGroupState, name: &str) -> Result<&'a Criterion, OciError> {
    h.services
        .call_forwarding_selective
        .as_ref()
        .and_then(|s| s.criteria.iter().find(|c| c.name == name))
        .ok_or_else(|| criteria_not_found(name))
}

fn apply<T: Clone>(v: &mut Option<T>, c: &Change<T>) {
    match c {
        Change::Keep => {}
        Change::Clear => *v = None,
        Change::Set(x) => *v = Some(x.clone()),
    }
}

/// Checks an `OutgoingDNorSIPURI` the way the AS does: a dialable number (digits, with `+`
/// first, `-` separators, `*` and `#`) or `user@host` without `sip:`. Returns it as sent.
fn check_forward_to(n: &str) -> Result<String, OciError> {
    let bad = || {
        err(
            codes::INVALID_FORWARD_NUMBER,
            format!("Invalid forward-to phone number or SIP URI: {n}"),
        )
    };
    if let Some((user, host)) = n.split_once('@') {
        let user_ok = !user.is_empty()
            && !n.to_ascii_lowercase().starts_with("sip:")
            && user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c));
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c));
        return if user_ok && host_ok {
            Ok(n.to_string())
        } else {
            Err(bad())
        };
    }
    let body = n.strip_prefix('+').unwrap_or(n);
    let ok = body.chars().any(|c| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || "-*#".contains(c));
    if ok {
        Ok(n.to_string())
    } else {
        Err(bad())
    }
}

/// A criterion as the criteria table shows it. "Calls To Number" / "Calls To Extension" hold
/// the user's primary number and extension, a blank space where there is none (R25).
fn criteria_row(
    c: &Criterion,
    s: &SelectiveState,
    (number, extension): &(Option<String>, Option<String>),
) -> CriteriaRow {
    let st = &c.settings;
    let f = &st.from_dn_criteria;
    let calls_from = match f.from_dn_criteria_selection {
        DnSelection::Any => "All calls".to_string(),
        DnSelection::SpecifiedOnly => {
            let mut parts: Vec<&str> = f.phone_numbers.iter().map(String::as_str).collect();
            if f.include_anonymous_callers {
                parts.push("Anonymous");
            }
            if f.include_unavailable_callers {
                parts.push("Unavailable");
            }
            parts.join(", ")
        }
    };
    let forward_to = match st.forward_to_number_selection {
        NumberSelection::Specified => st.forward_to_phone_number.clone().unwrap_or_default(),
        NumberSelection::Default => s
            .default_forward_to_phone_number
            .clone()
            .unwrap_or_default(),
        NumberSelection::DoNotForward => String::new(),
    };
    let blank = |v: &Option<String>| v.clone().unwrap_or_else(|| " ".into());
    let calls_to: Vec<&CallToNumber> = st.call_to_numbers.iter().collect();
    CriteriaRow {
        is_active: c.is_active,
        name: c.name.clone(),
        time_schedule: st
            .time_schedule
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "Every Day All Day".into()),
        calls_from,
        forward_to,
        blacklisted: st.forward_to_number_selection == NumberSelection::DoNotForward,
        holiday_schedule: st
            .holiday_schedule
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "None".into()),
        calls_to_type: calls_to
            .iter()
            .map(|n| n.number_type.as_str())
            .collect::<Vec<_>>()
            .join(","),
        calls_to_number: calls_to
            .iter()
            .map(|_| blank(number))
            .collect::<Vec<_>>()
            .join(","),
        calls_to_extension: calls_to
            .iter()
            .map(|_| blank(extension))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// A hunt group's user as a row of `userCallForwardingTable`: its calling line id names, its
/// number in E.164 (`+cc-number`), and the service's activity and forwarding address.
fn forwarding_row(h: &HuntGroupState, svc: ForwardingService, cc: &str) -> ForwardingListRow {
    let s = &h.services;
    let (is_active, address) = match (svc, svc.kind()) {
        (_, Some(kind)) => s.forwarding(kind).as_ref().map_or((false, None), |f| {
            (f.is_active, f.forward_to_phone_number.clone())
        }),
        (ForwardingService::Selective, _) => s
            .call_forwarding_selective
            .as_ref()
            .map_or((false, None), |f| {
                (f.is_active, f.default_forward_to_phone_number.clone())
            }),
        // The sandbox keeps no settings for these (No Answer cannot be a hunt group's, Always
        // Secondary only by a state file's authorization): inactive, no address.
        _ => (false, None),
    };
    let mut user = hunt_group_user_row(h);
    if !user.phone_number.is_empty() {
        user.phone_number = format!("+{cc}-{}", user.phone_number);
    }
    user.in_trunk_group = "false".into();
    ForwardingListRow {
        user,
        is_active,
        forwarding_address: address.unwrap_or_default(),
    }
}

/// A hunt group's user as a row of a user table: its calling line id names, its number
/// (national), extension and department.
fn hunt_group_user_row(h: &HuntGroupState) -> UserRow {
    let p = &h.hunt_group.service_instance_profile;
    let (phone_number, extension, department) = super::listed_cells(p);
    UserRow {
        user_id: h.hunt_group.service_user_id.clone(),
        last_name: p.calling_line_id_last_name.clone(),
        first_name: p.calling_line_id_first_name.clone(),
        hiragana_last_name: p.hiragana_last_name.value().cloned().unwrap_or_default(),
        hiragana_first_name: p.hiragana_first_name.value().cloned().unwrap_or_default(),
        phone_number,
        extension,
        department,
        ..UserRow::default()
    }
}

/// The cell a search criterion looks at.
fn list_cell(r: &ForwardingListRow, c: ForwardingListColumn) -> &str {
    match c {
        ForwardingListColumn::LastName => &r.user.last_name,
        ForwardingListColumn::FirstName => &r.user.first_name,
        ForwardingListColumn::UserId => &r.user.user_id,
        // The number without its `+cc-`: a DN is searched as it is dialled in the country.
        ForwardingListColumn::Dn => r
            .user
            .phone_number
            .split_once('-')
            .map_or(r.user.phone_number.as_str(), |(_, n)| n),
        ForwardingListColumn::Extension => &r.user.extension,
        ForwardingListColumn::EmailAddress => &r.user.email_address,
        ForwardingListColumn::ForwardedToNumber => &r.forwarding_address,
    }
}
