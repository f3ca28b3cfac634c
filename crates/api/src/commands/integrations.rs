//! Integration and keychain commands: list, create, edit, delete and test integrations; the keychain's status and the consent to keep secrets in memory for this session.

use neuroflow_integrations::{
    IntegrationDraft, IntegrationError, IntegrationService, IntegrationView, KeychainStatusView,
};
use neuroflow_secrets::SecretBackend;

use crate::error::{parse_id, AppError, ErrorCode};
use crate::state::Core;

impl From<IntegrationError> for AppError {
    fn from(e: IntegrationError) -> Self {
        if let IntegrationError::Store(store) = e {
            return store.into();
        }
        let code = if e.is_keychain_unusable() {
            ErrorCode::KeychainUnavailable
        } else if matches!(e, IntegrationError::Invalid(_)) {
            ErrorCode::InvalidInput
        } else {
            ErrorCode::Internal
        };
        AppError::new(code, e.to_string())
    }
}

impl Core {
    /// The integrations service over this session's store and the secrets as they are now.
    pub(crate) fn integrations(&self) -> Result<IntegrationService, AppError> {
        let session = self.session()?;
        Ok(IntegrationService::new(
            session.store.clone(),
            self.secrets().secrets(),
            session.actor(),
            self.secrets().http()?,
        ))
    }

    pub async fn integration_list(&self) -> Result<Vec<IntegrationView>, AppError> {
        Ok(self.integrations()?.list().await?)
    }

    pub async fn integration_create(
        &self,
        draft: IntegrationDraft,
    ) -> Result<IntegrationView, AppError> {
        Ok(self.integrations()?.create(draft).await?)
    }

    pub async fn integration_update(
        &self,
        id: String,
        draft: IntegrationDraft,
    ) -> Result<IntegrationView, AppError> {
        let id = parse_id("integration", &id)?;
        Ok(self.integrations()?.update(id, draft).await?)
    }

    pub async fn integration_delete(&self, id: String) -> Result<(), AppError> {
        let id = parse_id("integration", &id)?;
        Ok(self.integrations()?.delete(id).await?)
    }

    pub async fn integration_test(&self, id: String) -> Result<IntegrationView, AppError> {
        let id = parse_id("integration", &id)?;
        Ok(self.integrations()?.test(id).await?)
    }

    /// A fresh probe each time: the keychain may have been unlocked or started since.
    pub async fn keychain_status(&self) -> Result<KeychainStatusView, AppError> {
        let store = self.secrets().secrets();
        let status = store.probe_async().await;
        Ok(KeychainStatusView::new(&status, store.backend()))
    }

    /// The user's explicit consent to keep secrets in memory until the app quits. Refused while
    /// the keychain works: there is nothing to consent to then.
    pub async fn keychain_use_session_memory(&self) -> Result<KeychainStatusView, AppError> {
        let current = self.secrets().secrets();
        let status = current.probe_async().await;
        if current.backend() == SecretBackend::Keychain && status.is_available() {
            return Err(AppError::invalid(
                "the OS keychain is available, so secrets are kept there",
            ));
        }
        let store = self.secrets().use_session_memory();
        tracing::warn!(
            "secrets are kept in memory for this session only, as the user chose ({})",
            status.describe()
        );
        Ok(KeychainStatusView::new(&status, store.backend()))
    }
}
